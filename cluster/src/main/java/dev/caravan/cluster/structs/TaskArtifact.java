package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** An {@code artifact} block: something fetched into the task directory. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskArtifact(
    @JsonProperty("GetterSource") String getterSource,
    @JsonProperty("GetterOptions") Map<String, String> getterOptions,
    @JsonProperty("GetterHeaders") Map<String, String> getterHeaders,
    @JsonProperty("GetterMode") String getterMode,
    @JsonProperty("RelativeDest") String relativeDest) {

  public TaskArtifact {
    getterOptions = Structs.copy(getterOptions);
    getterHeaders = Structs.copy(getterHeaders);
  }
}

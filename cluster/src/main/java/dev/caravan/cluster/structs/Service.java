package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A service a group or task exposes, with its checks. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Service(
    @JsonProperty("Name") String name,
    @JsonProperty("PortLabel") String portLabel,
    @JsonProperty("Tags") List<String> tags,
    @JsonProperty("Provider") String provider,
    @JsonProperty("TaskName") String taskName,
    @JsonProperty("Checks") List<ServiceCheck> checks) {

  public Service {
    tags = Structs.copy(tags);
    checks = Structs.copy(checks);
    provider = provider == null || provider.isEmpty() ? "nomad" : provider;
  }
}

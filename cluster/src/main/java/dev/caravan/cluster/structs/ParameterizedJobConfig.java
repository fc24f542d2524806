package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The {@code parameterized} block: a job template dispatched with a payload and meta. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ParameterizedJobConfig(
    @JsonProperty("Payload") String payload,
    @JsonProperty("MetaRequired") List<String> metaRequired,
    @JsonProperty("MetaOptional") List<String> metaOptional) {

  public static final String PAYLOAD_OPTIONAL = "optional";
  public static final String PAYLOAD_REQUIRED = "required";
  public static final String PAYLOAD_FORBIDDEN = "forbidden";

  public ParameterizedJobConfig {
    payload = payload == null || payload.isEmpty() ? PAYLOAD_OPTIONAL : payload;
    metaRequired = Structs.copy(metaRequired);
    metaOptional = Structs.copy(metaOptional);
  }
}

package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/** A health check of a service: http, tcp or script. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServiceCheck(
    @JsonProperty("Name") String name,
    @JsonProperty("Type") String type,
    @JsonProperty("Path") String path,
    @JsonProperty("Protocol") String protocol,
    @JsonProperty("PortLabel") String portLabel,
    @JsonProperty("Command") String command,
    @JsonProperty("Args") List<String> args,
    @JsonProperty("Interval") Duration interval,
    @JsonProperty("Timeout") Duration timeout) {

  public ServiceCheck {
    args = Structs.copy(args);
  }
}

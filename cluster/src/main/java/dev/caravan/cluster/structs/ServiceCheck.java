package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A health check of a service: http, tcp, script or grpc, with Nomad's check options. */
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
    @JsonProperty("Timeout") Duration timeout,
    @JsonProperty("Method") String method,
    @JsonProperty("Header") Map<String, List<String>> header,
    @JsonProperty("Body") String body,
    @JsonProperty("InitialStatus") String initialStatus,
    @JsonProperty("TLSSkipVerify") boolean tlsSkipVerify,
    @JsonProperty("GRPCService") String grpcService,
    @JsonProperty("GRPCUseTLS") boolean grpcUseTls,
    @JsonProperty("AddressMode") String addressMode,
    @JsonProperty("TaskName") String taskName,
    @JsonProperty("OnUpdate") String onUpdate,
    @JsonProperty("SuccessBeforePassing") int successBeforePassing,
    @JsonProperty("FailuresBeforeCritical") int failuresBeforeCritical,
    @JsonProperty("FailuresBeforeWarning") int failuresBeforeWarning,
    @JsonProperty("CheckRestart") CheckRestart checkRestart) {

  public ServiceCheck {
    args = Structs.copy(args);
    header = Structs.copy(header);
  }

  /** The components before {@code Method}, kept for callers written against them. */
  public ServiceCheck(String name, String type, String path, String protocol, String portLabel,
      String command, List<String> args, Duration interval, Duration timeout) {
    this(name, type, path, protocol, portLabel, command, args, interval, timeout, null, Map.of(),
        null, null, false, null, false, null, null, null, 0, 0, 0, null);
  }

  /** This check with another name. */
  public ServiceCheck withName(String newName) {
    return new ServiceCheck(newName, type, path, protocol, portLabel, command, args, interval,
        timeout, method, header, body, initialStatus, tlsSkipVerify, grpcService, grpcUseTls,
        addressMode, taskName, onUpdate, successBeforePassing, failuresBeforeCritical,
        failuresBeforeWarning, checkRestart);
  }
}

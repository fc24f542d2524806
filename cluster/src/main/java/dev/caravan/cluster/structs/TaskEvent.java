package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** One event in a task's life: received, started, terminated, restarting, driver failure, ... */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskEvent(
    @JsonProperty("Type") String type,
    @JsonProperty("Time") long time,
    @JsonProperty("Message") String message,
    @JsonProperty("DisplayMessage") String displayMessage,
    @JsonProperty("ExitCode") int exitCode,
    @JsonProperty("Signal") int signal,
    @JsonProperty("FailsTask") boolean failsTask,
    @JsonProperty("RestartReason") String restartReason,
    @JsonProperty("DriverError") String driverError,
    @JsonProperty("Details") Map<String, String> details) {

  public TaskEvent {
    details = Structs.copy(details);
  }
}

package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A task's state on its client: pending, running or dead, with its events. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskState(
    @JsonProperty("State") String state,
    @JsonProperty("Failed") boolean failed,
    @JsonProperty("Restarts") long restarts,
    @JsonProperty("LastRestart") long lastRestart,
    @JsonProperty("StartedAt") long startedAt,
    @JsonProperty("FinishedAt") long finishedAt,
    @JsonProperty("Events") List<TaskEvent> events) {

  public static final String PENDING = "pending";
  public static final String RUNNING = "running";
  public static final String DEAD = "dead";

  public TaskState {
    events = Structs.copy(events);
  }
}

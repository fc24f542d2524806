package dev.caravan.cluster.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.caravan.cluster.structs.AllocMetric;
import dev.caravan.cluster.structs.Evaluation;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer of {@code POST /v1/job/:id/plan}, in Nomad's {@code JobPlanResponse} shape.
 *
 * @param jobModifyIndex the live job's modify index (0 when it does not exist), for a later
 *     check-and-set run
 * @param createdEvals evaluations the scheduler would create (blocked, delayed follow-ups)
 * @param diff the annotated job diff, or null when not asked for
 * @param annotations the scheduler's decisions per task group
 * @param failedTgAllocs per task group, why placements would fail
 * @param nextPeriodicLaunch for a periodic job, its next launch (RFC 3339), else Go's zero time
 * @param warnings warnings about the submitted job, empty when none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobPlanResponse(
    @JsonProperty("JobModifyIndex") long jobModifyIndex,
    @JsonProperty("CreatedEvals") List<Evaluation> createdEvals,
    @JsonProperty("Diff") JobDiff diff,
    @JsonProperty("Annotations") Annotations annotations,
    @JsonProperty("FailedTGAllocs") Map<String, AllocMetric> failedTgAllocs,
    @JsonProperty("NextPeriodicLaunch") String nextPeriodicLaunch,
    @JsonProperty("Warnings") String warnings) {

  /** Go's zero {@code time.Time}, which Nomad answers for a job that is not periodic. */
  public static final String NO_LAUNCH = "0001-01-01T00:00:00Z";

  public JobPlanResponse {
    createdEvals = createdEvals == null ? List.of() : List.copyOf(createdEvals);
    annotations = annotations == null ? new Annotations(Map.of(), List.of()) : annotations;
    failedTgAllocs = failedTgAllocs == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new TreeMap<>(failedTgAllocs));
    nextPeriodicLaunch = nextPeriodicLaunch == null ? NO_LAUNCH : nextPeriodicLaunch;
    warnings = warnings == null ? "" : warnings;
  }

  /** Nomad's {@code PlanAnnotations}: per group counts; Caravan never preempts. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Annotations(
      @JsonProperty("DesiredTGUpdates") Map<String, DesiredTgUpdates> desiredTgUpdates,
      @JsonProperty("PreemptedAllocs") List<Object> preemptedAllocs) {

    public Annotations {
      desiredTgUpdates = desiredTgUpdates == null ? Map.of()
          : java.util.Collections.unmodifiableMap(new TreeMap<>(desiredTgUpdates));
      preemptedAllocs = preemptedAllocs == null ? List.of() : List.copyOf(preemptedAllocs);
    }
  }

  /** True when some group would create, stop, migrate, replace or canary allocations. */
  public boolean changesAllocations() {
    return annotations.desiredTgUpdates().values().stream()
        .anyMatch(DesiredTgUpdates::changesAllocations);
  }

  /** This response with its periodic launch time set. */
  public JobPlanResponse withNextPeriodicLaunch(String launch) {
    return new JobPlanResponse(jobModifyIndex, createdEvals, diff, annotations, failedTgAllocs,
        launch, warnings);
  }
}

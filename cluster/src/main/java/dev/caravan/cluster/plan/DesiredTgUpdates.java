package dev.caravan.cluster.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.caravan.cluster.scheduler.Plan;

/** The scheduler's decisions for one task group, in Nomad's {@code DesiredUpdates} shape. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DesiredTgUpdates(
    @JsonProperty("Ignore") int ignore,
    @JsonProperty("Place") int place,
    @JsonProperty("Migrate") int migrate,
    @JsonProperty("Stop") int stop,
    @JsonProperty("InPlaceUpdate") int inPlaceUpdate,
    @JsonProperty("DestructiveUpdate") int destructiveUpdate,
    @JsonProperty("Canary") int canary,
    @JsonProperty("Preemptions") int preemptions) {

  public static DesiredTgUpdates of(Plan.DesiredUpdates u) {
    return new DesiredTgUpdates(u.ignore(), u.place(), u.migrate(), u.stop(), u.inPlaceUpdate(),
        u.destructiveUpdate(), u.canary(), u.preemptions());
  }

  /** True when allocations would be created, stopped, migrated or replaced. */
  public boolean changesAllocations() {
    return place + migrate + stop + destructiveUpdate + canary > 0;
  }
}

package dev.caravan.cluster.scheduler;

import dev.caravan.cluster.structs.Allocation;
import java.util.List;

/**
 * What the plan applier committed of a {@link Plan}: the placements and stops it accepted,
 * the Raft index they were applied at, and whether it refused part of the plan (a node
 * filled up or went away since the scheduler read its state), in which case the scheduler
 * retries on state at least as new as {@code refreshIndex}.
 */
public record PlanResult(
    List<Allocation> placed, List<Allocation> stopped, long allocIndex, boolean partial,
    long refreshIndex) {

  public PlanResult {
    placed = placed == null ? List.of() : List.copyOf(placed);
    stopped = stopped == null ? List.of() : List.copyOf(stopped);
  }
}

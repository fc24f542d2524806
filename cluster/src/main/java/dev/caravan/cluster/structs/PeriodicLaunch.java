package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The launch record of one periodic job (Nomad's {@code PeriodicLaunch}, extended): the last
 * slot handled (launched or skipped), the guard that makes each slot launch at most once, and a
 * short history of launches and skips, newest first, for {@code job status}.
 *
 * @param id the parent job's id
 * @param namespace the parent job's namespace
 * @param launch the last handled slot, unix nanoseconds (Nomad's {@code Launch})
 * @param lastSlot the last handled slot, unix seconds; 0 when none yet
 * @param history the last {@value #KEPT_HISTORY} launches and skips, newest first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PeriodicLaunch(
    @JsonProperty("ID") String id,
    @JsonProperty("Namespace") String namespace,
    @JsonProperty("Launch") long launch,
    @JsonProperty("LastSlot") long lastSlot,
    @JsonProperty("History") List<Entry> history,
    @JsonProperty("CreateIndex") long createIndex,
    @JsonProperty("ModifyIndex") long modifyIndex) {

  /** Launches and skips kept per job. */
  public static final int KEPT_HISTORY = 10;

  public PeriodicLaunch {
    history = Structs.copy(history);
  }

  /** This record with {@code entry} first, the history trimmed to {@value #KEPT_HISTORY}. */
  public PeriodicLaunch with(Entry entry, boolean advancesSlot, long index) {
    List<Entry> h = new ArrayList<>();
    h.add(entry);
    h.addAll(history.subList(0, Math.min(history.size(), KEPT_HISTORY - 1)));
    long slot = advancesSlot ? entry.slot() : lastSlot;
    return new PeriodicLaunch(id, namespace, slot * 1_000_000_000L, slot, h,
        createIndex == 0 ? index : createIndex, index);
  }

  /**
   * One launch or skip.
   *
   * @param slot the scheduled fire time, unix seconds (a forced launch: the time of the force)
   * @param childId the launched child job, null when skipped
   * @param skipped whether the slot was skipped
   * @param reason why it was skipped, null when launched
   * @param forced whether it was launched by {@code periodic force}
   * @param time when the leader decided, unix nanoseconds
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Entry(
      @JsonProperty("Slot") long slot,
      @JsonProperty("ChildID") String childId,
      @JsonProperty("Skipped") boolean skipped,
      @JsonProperty("Reason") String reason,
      @JsonProperty("Forced") boolean forced,
      @JsonProperty("Time") long time) {}
}

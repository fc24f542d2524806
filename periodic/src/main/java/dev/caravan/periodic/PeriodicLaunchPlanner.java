package dev.caravan.periodic;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, without I/O, whether a periodic job launches a child now.
 *
 * <p>A slot is due when it is after the last recorded launch and not after {@code now}. When
 * several are due (slots missed while no leader existed), only the most recent launches; see
 * periodic/README.md. With {@code prohibit_overlap} and a child still running, the due slot is
 * skipped.
 */
public final class PeriodicLaunchPlanner {
    static final String OVERLAP_REASON = "prohibit_overlap: a previous child is still running";

    private PeriodicLaunchPlanner() {}

    /**
     * @param schedule the job's schedule
     * @param lastLaunch the last recorded launch (for a job never launched, its registration time)
     * @param prohibitOverlap the job's {@code periodic.prohibit_overlap}
     * @param childRunning whether a previous child of the job is still running
     * @param now the current time
     */
    public static LaunchDecision decide(CronSchedule schedule, Instant lastLaunch, boolean prohibitOverlap,
                                        boolean childRunning, Instant now) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(lastLaunch, "lastLaunch");
        Objects.requireNonNull(now, "now");
        Instant cursor = lastLaunch;
        Instant due = null;
        Optional<Instant> next = schedule.next(cursor);
        // Walks every missed slot; the cost is bounded by outage length / cron period.
        while (next.isPresent() && !next.get().isAfter(now)) {
            due = next.get();
            next = schedule.next(due);
        }
        if (due == null) {
            return new LaunchDecision.Wait(next.map(LaunchSlot::new));
        }
        LaunchSlot slot = new LaunchSlot(due);
        if (prohibitOverlap && childRunning) {
            return new LaunchDecision.Skip(slot, OVERLAP_REASON);
        }
        return new LaunchDecision.Launch(slot);
    }
}

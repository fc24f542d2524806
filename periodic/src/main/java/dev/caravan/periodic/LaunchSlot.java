package dev.caravan.periodic;

import java.time.Instant;
import java.util.Objects;

/**
 * One scheduled fire time of a periodic job, identified by its unix seconds.
 *
 * @param fireTime the scheduled (not the actual) fire time, whole seconds
 */
public record LaunchSlot(Instant fireTime) {

    /** @throws IllegalArgumentException when {@code fireTime} has a fraction of a second */
    public LaunchSlot {
        Objects.requireNonNull(fireTime, "fireTime");
        if (fireTime.getNano() != 0) {
            throw new IllegalArgumentException("launch slot " + fireTime + " is not a whole second");
        }
    }

    public long unixSeconds() {
        return fireTime.getEpochSecond();
    }

    /** The id of the child job launched for this slot: {@code <parent>/periodic-<unix seconds>}. */
    public String childJobId(String parentId) {
        return parentId + "/periodic-" + unixSeconds();
    }
}

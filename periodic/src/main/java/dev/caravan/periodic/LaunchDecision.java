package dev.caravan.periodic;

import java.util.Objects;
import java.util.Optional;

/** What the periodic launcher should do for one job now; see {@link PeriodicLaunchPlanner}. */
public sealed interface LaunchDecision {

    /** Launch a child for {@code slot}, the most recent due slot; older missed slots are dropped. */
    record Launch(LaunchSlot slot) implements LaunchDecision {
        public Launch {
            Objects.requireNonNull(slot, "slot");
        }
    }

    /**
     * Do not launch {@code slot}. The caller records the slot as handled, as for a launch, so it is
     * not launched late once the running child ends (Nomad also just moves on to the next slot).
     */
    record Skip(LaunchSlot slot, String reason) implements LaunchDecision {
        public Skip {
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Nothing is due; the next slot, empty when the schedule never fires again. */
    record Wait(Optional<LaunchSlot> nextSlot) implements LaunchDecision {
        public Wait {
            Objects.requireNonNull(nextSlot, "nextSlot");
        }
    }
}

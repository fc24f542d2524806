package dev.caravan.periodic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PeriodicLaunchPlannerTest {
    private static final CronSchedule HOURLY = CronSchedule.ofNomad(List.of("0 * * * *"), ZoneId.of("UTC"));
    private static final CronSchedule ONCE_IN_2027 = CronSchedule.ofNomad(List.of("0 0 1 1 * 2027"), ZoneId.of("UTC"));

    record Case(String name, CronSchedule schedule, String lastLaunch, boolean prohibitOverlap,
                boolean childRunning, String now, LaunchDecision expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static LaunchSlot slot(String instant) {
        return new LaunchSlot(Instant.parse(instant));
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("waits for the next slot", HOURLY, "2026-01-01T10:00:00Z", false, false,
                        "2026-01-01T10:30:00Z", new LaunchDecision.Wait(Optional.of(slot("2026-01-01T11:00:00Z")))),
                new Case("launches a slot that is exactly now", HOURLY, "2026-01-01T10:00:00Z", false, false,
                        "2026-01-01T11:00:00Z", new LaunchDecision.Launch(slot("2026-01-01T11:00:00Z"))),
                new Case("launches a slot that is slightly late", HOURLY, "2026-01-01T10:00:00Z", false, false,
                        "2026-01-01T11:00:07Z", new LaunchDecision.Launch(slot("2026-01-01T11:00:00Z"))),
                new Case("launches only the most recent of several missed slots", HOURLY, "2026-01-01T10:00:00Z",
                        false, false, "2026-01-01T14:59:59Z", new LaunchDecision.Launch(slot("2026-01-01T14:00:00Z"))),
                new Case("does not relaunch the last launched slot", HOURLY, "2026-01-01T11:00:00Z", false, false,
                        "2026-01-01T11:00:00Z", new LaunchDecision.Wait(Optional.of(slot("2026-01-01T12:00:00Z")))),
                new Case("overlap allowed launches beside a running child", HOURLY, "2026-01-01T10:00:00Z", false, true,
                        "2026-01-01T11:00:00Z", new LaunchDecision.Launch(slot("2026-01-01T11:00:00Z"))),
                new Case("prohibit_overlap skips while a child runs", HOURLY, "2026-01-01T10:00:00Z", true, true,
                        "2026-01-01T11:00:00Z", new LaunchDecision.Skip(slot("2026-01-01T11:00:00Z"),
                                "prohibit_overlap: a previous child is still running")),
                new Case("prohibit_overlap launches when no child runs", HOURLY, "2026-01-01T10:00:00Z", true, false,
                        "2026-01-01T11:00:00Z", new LaunchDecision.Launch(slot("2026-01-01T11:00:00Z"))),
                new Case("prohibit_overlap does not matter when nothing is due", HOURLY, "2026-01-01T10:00:00Z", true, true,
                        "2026-01-01T10:59:59Z", new LaunchDecision.Wait(Optional.of(slot("2026-01-01T11:00:00Z")))),
                new Case("waits forever once the schedule ends", ONCE_IN_2027, "2027-01-01T00:00:00Z", false, false,
                        "2027-06-01T00:00:00Z", new LaunchDecision.Wait(Optional.empty())),
                new Case("launches the last slot of an ended schedule if missed", ONCE_IN_2027, "2026-06-01T00:00:00Z",
                        false, false, "2027-06-01T00:00:00Z", new LaunchDecision.Launch(slot("2027-01-01T00:00:00Z"))));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decidesWhetherToLaunchTheDueSlot(Case c) {
        LaunchDecision decision = PeriodicLaunchPlanner.decide(c.schedule(), Instant.parse(c.lastLaunch()),
                c.prohibitOverlap(), c.childRunning(), Instant.parse(c.now()));

        assertEquals(c.expected(), decision);
    }

    @Test
    void childJobIdIsTheParentAndTheSlotsUnixSeconds() {
        LaunchSlot slot = slot("2026-01-01T11:00:00Z");

        String childId = slot.childJobId("backup");

        assertEquals(1767265200L, slot.unixSeconds());
        assertEquals("backup/periodic-1767265200", childId);
    }

    @Test
    void rejectsASlotWithAFractionOfASecond() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> slot("2026-01-01T11:00:00.5Z"));

        assertEquals("launch slot 2026-01-01T11:00:00.500Z is not a whole second", e.getMessage());
    }
}

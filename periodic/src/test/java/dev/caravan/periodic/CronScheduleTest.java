package dev.caravan.periodic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CronScheduleTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId UTC = ZoneId.of("UTC");

    record NextFires(String name, List<String> crons, ZoneId zone, String after, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<NextFires> nextFires() {
        return Stream.of(
                new NextFires("UTC every 15 minutes", List.of("*/15 * * * *"), UTC, "2026-01-01T10:07:00Z",
                        List.of("2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z", "2026-01-01T10:45:00Z")),
                new NextFires("UTC daily crosses the year", List.of("@daily"), UTC, "2026-12-31T00:00:00Z",
                        List.of("2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z")),
                new NextFires("UTC weekdays skip the weekend", List.of("0 9 * * MON-FRI"), UTC, "2026-11-27T09:00:00Z",
                        List.of("2026-11-30T09:00:00Z", "2026-12-01T09:00:00Z")),
                new NextFires("UTC Sunday is day 0", List.of("0 0 * * 0"), UTC, "2026-11-24T00:00:00Z",
                        List.of("2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z")),
                new NextFires("UTC earliest of several crons", List.of("0 12 * * *", "0 6 * * *"), UTC,
                        "2026-01-01T07:00:00Z",
                        List.of("2026-01-01T12:00:00Z", "2026-01-02T06:00:00Z", "2026-01-02T12:00:00Z")),
                new NextFires("UTC seconds field with 7 fields", List.of("*/20 * * * * * *"), UTC, "2026-01-01T00:00:00Z",
                        List.of("2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z")),
                // 02:30 does not exist on 2026-03-08 in New York: Quartz skips that day entirely.
                new NextFires("New York spring-forward skips the missing 02:30", List.of("30 2 * * *"), NEW_YORK,
                        "2026-03-07T12:00:00Z",
                        List.of("2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z")),
                // 01:30 happens twice on 2026-11-01 in New York: Quartz fires once, at the second (EST) one.
                new NextFires("New York fall-back fires 01:30 once", List.of("30 1 * * *"), NEW_YORK,
                        "2026-10-31T16:00:00Z",
                        List.of("2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z")),
                // Quartz also skips the whole first (EDT) 01:00-01:59 hour for sub-hourly schedules.
                new NextFires("New York fall-back skips the first 01:xx hour", List.of("*/30 * * * *"), NEW_YORK,
                        "2026-11-01T04:40:00Z",
                        List.of("2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z")),
                new NextFires("New York daily is local midnight", List.of("0 0 * * *"), NEW_YORK, "2026-07-01T00:00:00Z",
                        List.of("2026-07-01T04:00:00Z", "2026-07-02T04:00:00Z")),
                new NextFires("Berlin spring-forward skips the missing 02:30", List.of("30 2 * * *"), BERLIN,
                        "2026-03-28T12:00:00Z",
                        List.of("2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z")),
                new NextFires("Berlin winter and summer offsets", List.of("0 8 * * *"), BERLIN, "2026-03-28T12:00:00Z",
                        List.of("2026-03-29T06:00:00Z", "2026-03-30T06:00:00Z")));
    }

    @ParameterizedTest
    @MethodSource("nextFires")
    void firesAtTheEarliestMatchingInstantInTheJobsTimeZone(NextFires row) {
        CronSchedule schedule = CronSchedule.ofNomad(row.crons(), row.zone());

        List<String> fires = new ArrayList<>();
        Instant cursor = Instant.parse(row.after());
        for (int i = 0; i < row.expected().size(); i++) {
            cursor = schedule.next(cursor).orElseThrow();
            fires.add(cursor.toString());
        }

        assertEquals(row.expected(), fires);
    }

    @Test
    void nextIsStrictlyAfterTheGivenInstant() {
        CronSchedule schedule = CronSchedule.ofNomad(List.of("0 * * * *"), UTC);

        Optional<Instant> next = schedule.next(Instant.parse("2026-01-01T10:00:00Z"));

        assertEquals(Optional.of(Instant.parse("2026-01-01T11:00:00Z")), next);
    }

    @Test
    void isEmptyWhenNoExpressionFiresAgain() {
        CronSchedule schedule = CronSchedule.ofNomad(List.of("0 0 1 1 * 2027"), UTC);

        Optional<Instant> next = schedule.next(Instant.parse("2027-01-01T00:00:00Z"));

        assertEquals(Optional.empty(), next);
    }

    @Test
    void rejectsAnEmptyListOfExpressions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CronSchedule(List.of(), UTC));

        assertEquals("a cron schedule needs at least one expression", e.getMessage());
    }

    @Test
    void rejectsAnInvalidNomadCron() {
        CronException e = assertThrows(CronException.class,
                () -> CronSchedule.ofNomad(List.of("0 0 * * *", "61 * * * *"), UTC));

        assertEquals("invalid cron \"61 * * * *\": minute 61 out of range 0-59", e.getMessage());
    }
}

package dev.caravan.periodic;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * The launch schedule of a periodic job: one or more Quartz cron expressions evaluated in the
 * job's time zone; a slot is due when any expression fires.
 *
 * @param quartzExpressions translated expressions (see {@link CronTranslator}), at least one
 * @param zone the job's {@code time_zone}
 */
public record CronSchedule(List<String> quartzExpressions, ZoneId zone) {

    /** @throws IllegalArgumentException when empty or when Quartz rejects an expression */
    public CronSchedule {
        Objects.requireNonNull(zone, "zone");
        quartzExpressions = List.copyOf(quartzExpressions);
        if (quartzExpressions.isEmpty()) {
            throw new IllegalArgumentException("a cron schedule needs at least one expression");
        }
        quartzExpressions.forEach(CronSchedule::parse);
    }

    /**
     * Translates Nomad cron expressions and schedules them in {@code zone}.
     *
     * @throws CronException when an expression is invalid
     */
    public static CronSchedule ofNomad(List<String> nomadCrons, ZoneId zone) {
        return new CronSchedule(nomadCrons.stream().map(CronTranslator::toQuartz).toList(), zone);
    }

    /** The earliest fire time strictly after {@code after}, empty when no expression fires again. */
    public Optional<Instant> next(Instant after) {
        Date from = Date.from(after);
        TimeZone timeZone = TimeZone.getTimeZone(zone);
        Instant earliest = null;
        for (String expression : quartzExpressions) {
            CronExpression cron = parse(expression);
            cron.setTimeZone(timeZone);
            Date next = cron.getNextValidTimeAfter(from);
            if (next != null && (earliest == null || next.toInstant().isBefore(earliest))) {
                earliest = next.toInstant();
            }
        }
        return Optional.ofNullable(earliest);
    }

    // CronExpression is mutable (time zone) and not thread-safe, so each call parses its own.
    private static CronExpression parse(String expression) {
        try {
            return new CronExpression(expression);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid Quartz cron \"" + expression + "\": " + e.getMessage(), e);
        }
    }
}

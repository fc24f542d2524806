package dev.caravan.periodic;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.quartz.CronExpression;

/**
 * Translates Nomad cron expressions (hashicorp/cronexpr syntax) to Quartz cron expressions.
 *
 * <p>Accepted: 5 fields {@code min hour dom month dow}; 6 fields add a trailing year; 7 fields
 * add a leading second and a trailing year (cronexpr reads seconds only when there are 7
 * fields). Macros {@code @hourly @daily @midnight @weekly @monthly @yearly @annually}. Names
 * JAN-DEC and SUN-SAT, {@code * ? , - /}, {@code L} and {@code W} in day-of-month, {@code L}
 * and {@code #} in day-of-week.
 *
 * <p>Quartz needs exactly one of day-of-month / day-of-week to be {@code ?}; an expression that
 * restricts both (cron's "either matches" rule) cannot be expressed and is rejected. Cron
 * day-of-week 0-7 (SUN=0 and 7) becomes Quartz 1-7 (SUN=1).
 */
public final class CronTranslator {
    private static final Map<String, String> MACROS = Map.of(
            "@hourly", "0 0 * * * ? *",
            "@daily", "0 0 0 * * ? *",
            "@midnight", "0 0 0 * * ? *",
            "@weekly", "0 0 0 ? * 1 *",
            "@monthly", "0 0 0 1 * ? *",
            "@yearly", "0 0 0 1 1 ? *",
            "@annually", "0 0 0 1 1 ? *");
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private CronTranslator() {}

    /**
     * Returns the Quartz 7-field expression (second minute hour dom month dow year) for a Nomad
     * cron expression.
     *
     * @throws CronException naming the expression and what is wrong with it
     */
    public static String toQuartz(String nomadCron) {
        if (nomadCron == null || nomadCron.isBlank()) {
            throw new CronException(String.valueOf(nomadCron), "empty expression");
        }
        String cron = nomadCron.trim();
        String quartz = cron.startsWith("@") ? macro(cron) : translateFields(cron);
        try {
            new CronExpression(quartz);
        } catch (ParseException e) {
            throw new CronException(cron, "Quartz rejects \"" + quartz + "\": " + e.getMessage(), e);
        }
        return quartz;
    }

    private static String macro(String cron) {
        String quartz = MACROS.get(cron.toLowerCase(Locale.ROOT));
        if (quartz == null) {
            throw new CronException(cron, "unknown macro " + cron);
        }
        return quartz;
    }

    private static String translateFields(String cron) {
        String[] f = cron.split("\\s+");
        if (f.length < 5 || f.length > 7) {
            throw new CronException(cron, "expected 5 to 7 fields, got " + f.length);
        }
        int i = 0;
        String second = f.length == 7 ? plain(cron, f[i++], "second", 0, 59) : "0";
        String minute = plain(cron, f[i++], "minute", 0, 59);
        String hour = plain(cron, f[i++], "hour", 0, 23);
        String dom = f[i++];
        String month = named(cron, f[i++], "month", 1, 12, MONTHS, 1);
        String dow = f[i++];
        String year = i < f.length ? plain(cron, f[i], "year", 1970, 2099) : "*";

        boolean domAny = dom.equals("*") || dom.equals("?");
        boolean dowAny = dow.equals("*") || dow.equals("?");
        if (dowAny) {
            dom = domAny ? "*" : dayOfMonth(cron, dom);
            dow = "?";
        } else if (domAny) {
            dom = "?";
            dow = dayOfWeek(cron, dow);
        } else {
            throw new CronException(cron, "day-of-month and day-of-week both restricted; Quartz supports only one");
        }
        return String.join(" ", second, minute, hour, dom, month, dow, year);
    }

    private static String plain(String cron, String field, String name, int min, int max) {
        return named(cron, field, name, min, max, List.of(), 0);
    }

    /** Validates a field of {@code * , - /} items, replacing names by numbers. */
    private static String named(String cron, String field, String name, int min, int max,
                                List<String> names, int firstName) {
        List<String> out = new ArrayList<>();
        for (String item : items(cron, field, name)) {
            String[] stepSplit = item.split("/", -1);
            if (stepSplit.length > 2) {
                throw new CronException(cron, name + " \"" + item + "\" has more than one step");
            }
            String base = stepSplit[0];
            String translated;
            if (base.equals("*")) {
                translated = "*";
            } else {
                String[] range = base.split("-", -1);
                if (range.length > 2) {
                    throw new CronException(cron, name + " \"" + item + "\" is not a range");
                }
                int from = value(cron, range[0], name, min, max, names, firstName);
                translated = Integer.toString(from);
                if (range.length == 2) {
                    int to = value(cron, range[1], name, min, max, names, firstName);
                    if (to < from) {
                        throw new CronException(cron, name + " range " + base + " ends before it starts");
                    }
                    translated += "-" + to;
                }
            }
            if (stepSplit.length == 2) {
                translated += "/" + step(cron, stepSplit[1], name, max);
            }
            out.add(translated);
        }
        return String.join(",", out);
    }

    private static String dayOfMonth(String cron, String field) {
        List<String> out = new ArrayList<>();
        for (String item : items(cron, field, "day-of-month")) {
            if (item.equals("L") || item.equals("LW")) {
                out.add(item);
            } else if (item.endsWith("W")) {
                String day = item.substring(0, item.length() - 1);
                out.add(value(cron, day, "day-of-month", 1, 31, List.of(), 0) + "W");
            } else {
                out.add(plain(cron, item, "day-of-month", 1, 31));
            }
        }
        if (out.size() > 1 && out.stream().anyMatch(s -> s.contains("L") || s.contains("W"))) {
            throw new CronException(cron, "day-of-month L or W cannot be combined in a list");
        }
        return String.join(",", out);
    }

    /** Translates cron day-of-week (SUN=0 or 7) to Quartz (SUN=1), expanding ranges and steps. */
    private static String dayOfWeek(String cron, String field) {
        List<String> special = new ArrayList<>();
        TreeSet<Integer> days = new TreeSet<>();
        for (String item : items(cron, field, "day-of-week")) {
            int hash = item.indexOf('#');
            if (hash >= 0) {
                int day = value(cron, item.substring(0, hash), "day-of-week", 0, 7, DAYS, 0) % 7;
                int nth = value(cron, item.substring(hash + 1), "day-of-week occurrence", 1, 5, List.of(), 0);
                special.add((day + 1) + "#" + nth);
            } else if (item.endsWith("L") && item.length() > 1) {
                int day = value(cron, item.substring(0, item.length() - 1), "day-of-week", 0, 7, DAYS, 0) % 7;
                special.add((day + 1) + "L");
            } else {
                days.addAll(expandDays(cron, item));
            }
        }
        if (!special.isEmpty() && (special.size() > 1 || !days.isEmpty())) {
            throw new CronException(cron, "day-of-week L or # cannot be combined in a list");
        }
        if (!special.isEmpty()) {
            return special.get(0);
        }
        if (days.size() == 7) {
            return "*";
        }
        List<String> quartz = new ArrayList<>();
        days.forEach(d -> quartz.add(Integer.toString(d + 1)));
        return String.join(",", quartz);
    }

    /** Days 0-6 (SUN=0) selected by one {@code * , - /} item. */
    private static List<Integer> expandDays(String cron, String item) {
        String[] stepSplit = item.split("/", -1);
        if (stepSplit.length > 2) {
            throw new CronException(cron, "day-of-week \"" + item + "\" has more than one step");
        }
        int from;
        int to;
        if (stepSplit[0].equals("*")) {
            from = 0;
            to = 6;
        } else {
            String[] range = stepSplit[0].split("-", -1);
            if (range.length > 2) {
                throw new CronException(cron, "day-of-week \"" + item + "\" is not a range");
            }
            from = value(cron, range[0], "day-of-week", 0, 7, DAYS, 0);
            to = range.length == 2 ? value(cron, range[1], "day-of-week", 0, 7, DAYS, 0)
                    : stepSplit.length == 2 ? 6 : from;
            if (to < from) {
                throw new CronException(cron, "day-of-week range " + stepSplit[0] + " ends before it starts");
            }
        }
        int step = stepSplit.length == 2 ? step(cron, stepSplit[1], "day-of-week", 7) : 1;
        List<Integer> days = new ArrayList<>();
        for (int d = from; d <= to; d += step) {
            days.add(d % 7);
        }
        return days;
    }

    private static List<String> items(String cron, String field, String name) {
        String[] items = field.toUpperCase(Locale.ROOT).split(",", -1);
        for (String item : items) {
            if (item.isEmpty()) {
                throw new CronException(cron, name + " \"" + field + "\" has an empty list item");
            }
        }
        return List.of(items);
    }

    private static int value(String cron, String token, String name, int min, int max,
                             List<String> names, int firstName) {
        int index = names.indexOf(token);
        if (index >= 0) {
            return index + firstName;
        }
        if (token.isEmpty() || !token.chars().allMatch(Character::isDigit) || token.length() > 9) {
            throw new CronException(cron, name + " \"" + token + "\" is not a number");
        }
        int v = Integer.parseInt(token);
        if (v < min || v > max) {
            throw new CronException(cron, name + " " + v + " out of range " + min + "-" + max);
        }
        return v;
    }

    private static int step(String cron, String token, String name, int max) {
        if (token.isEmpty() || !token.chars().allMatch(Character::isDigit) || token.length() > 9) {
            throw new CronException(cron, name + " step \"" + token + "\" is not a number");
        }
        int step = Integer.parseInt(token);
        if (step < 1 || step > max) {
            throw new CronException(cron, name + " step " + step + " out of range 1-" + max);
        }
        return step;
    }
}

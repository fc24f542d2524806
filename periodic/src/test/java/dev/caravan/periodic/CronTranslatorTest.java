package dev.caravan.periodic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CronTranslatorTest {

    record Translation(String nomad, String quartz) {}

    record Rejection(String nomad, String message) {}

    static Stream<Translation> translations() {
        return Stream.of(
                new Translation("* * * * *", "0 * * * * ? *"),
                new Translation("*/15 * * * *", "0 */15 * * * ? *"),
                new Translation("30 2 * * *", "0 30 2 * * ? *"),
                new Translation("0 9-17 * * *", "0 0 9-17 * * ? *"),
                new Translation("0,15,30,45 * * * *", "0 0,15,30,45 * * * ? *"),
                new Translation("0 0 1 * *", "0 0 0 1 * ? *"),
                new Translation("0 0 1,15 jan,jul *", "0 0 0 1,15 1,7 ? *"),
                new Translation("0 0 * JAN-MAR *", "0 0 0 * 1-3 ? *"),
                new Translation("0 0 L * *", "0 0 0 L * ? *"),
                new Translation("0 0 15W * *", "0 0 0 15W * ? *"),
                new Translation("0 0 LW * *", "0 0 0 LW * ? *"),
                new Translation("0 0 ? * 0", "0 0 0 ? * 1 *"),
                new Translation("0 0 * * 7", "0 0 0 ? * 1 *"),
                new Translation("0 0 * * 1-5", "0 0 0 ? * 2,3,4,5,6 *"),
                new Translation("0 0 * * MON-FRI", "0 0 0 ? * 2,3,4,5,6 *"),
                new Translation("0 0 * * 5-7", "0 0 0 ? * 1,6,7 *"),
                new Translation("0 0 * * 0-6", "0 0 0 ? * * *"),
                new Translation("0 0 * * */2", "0 0 0 ? * 1,3,5,7 *"),
                new Translation("0 0 * * 1/3", "0 0 0 ? * 2,5 *"),
                new Translation("0 0 * * sat,sun", "0 0 0 ? * 1,7 *"),
                new Translation("0 0 * * 5#3", "0 0 0 ? * 6#3 *"),
                new Translation("0 0 * * 0L", "0 0 0 ? * 1L *"),
                new Translation("0 0 1 1 * 2030", "0 0 0 1 1 ? 2030"),
                new Translation("*/10 * * * * * *", "*/10 * * * * ? *"),
                new Translation("15 30 2 * * * 2026-2028", "15 30 2 * * ? 2026-2028"),
                new Translation("@hourly", "0 0 * * * ? *"),
                new Translation("@daily", "0 0 0 * * ? *"),
                new Translation("@midnight", "0 0 0 * * ? *"),
                new Translation("@weekly", "0 0 0 ? * 1 *"),
                new Translation("@monthly", "0 0 0 1 * ? *"),
                new Translation("@yearly", "0 0 0 1 1 ? *"),
                new Translation("@annually", "0 0 0 1 1 ? *"),
                new Translation("  0   12 * * *  ", "0 0 12 * * ? *"));
    }

    static Stream<Rejection> rejections() {
        return Stream.of(
                new Rejection("61 * * * *", "invalid cron \"61 * * * *\": minute 61 out of range 0-59"),
                new Rejection("0 24 * * *", "invalid cron \"0 24 * * *\": hour 24 out of range 0-23"),
                new Rejection("0 0 32 * *", "invalid cron \"0 0 32 * *\": day-of-month 32 out of range 1-31"),
                new Rejection("0 0 0 * *", "invalid cron \"0 0 0 * *\": day-of-month 0 out of range 1-31"),
                new Rejection("0 0 * 13 *", "invalid cron \"0 0 * 13 *\": month 13 out of range 1-12"),
                new Rejection("0 0 * * 8", "invalid cron \"0 0 * * 8\": day-of-week 8 out of range 0-7"),
                new Rejection("0 0 * FOO *", "invalid cron \"0 0 * FOO *\": month \"FOO\" is not a number"),
                new Rejection("* * * *", "invalid cron \"* * * *\": expected 5 to 7 fields, got 4"),
                new Rejection("* * * * * * * *", "invalid cron \"* * * * * * * *\": expected 5 to 7 fields, got 8"),
                new Rejection("", "invalid cron \"\": empty expression"),
                new Rejection("@fortnightly", "invalid cron \"@fortnightly\": unknown macro @fortnightly"),
                new Rejection("0 0 1 * 1",
                        "invalid cron \"0 0 1 * 1\": day-of-month and day-of-week both restricted; Quartz supports only one"),
                new Rejection("30-10 * * * *", "invalid cron \"30-10 * * * *\": minute range 30-10 ends before it starts"),
                new Rejection("*/0 * * * *", "invalid cron \"*/0 * * * *\": minute step 0 out of range 1-59"),
                new Rejection("0 0 * * 5#6", "invalid cron \"0 0 * * 5#6\": day-of-week occurrence 6 out of range 1-5"),
                new Rejection("0 0 1 1 * 1969", "invalid cron \"0 0 1 1 * 1969\": year 1969 out of range 1970-2099"),
                new Rejection("0 ? * * *", "invalid cron \"0 ? * * *\": hour \"?\" is not a number"),
                new Rejection("0 0 1,,2 * *", "invalid cron \"0 0 1,,2 * *\": day-of-month \"1,,2\" has an empty list item"),
                new Rejection("60 * * * * * *", "invalid cron \"60 * * * * * *\": second 60 out of range 0-59"));
    }

    @ParameterizedTest
    @MethodSource("translations")
    void translatesNomadCronToQuartz(Translation row) {
        String quartz = CronTranslator.toQuartz(row.nomad());

        assertEquals(row.quartz(), quartz);
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void rejectsInvalidCronNamingExpressionAndProblem(Rejection row) {
        CronException e = assertThrows(CronException.class, () -> CronTranslator.toQuartz(row.nomad()));

        assertEquals(row.message(), e.getMessage());
    }
}

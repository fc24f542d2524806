package dev.caravan.periodic;

/** Thrown when a Nomad cron expression cannot be translated to a Quartz one. */
public final class CronException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    CronException(String expression, String problem) {
        super("invalid cron \"" + expression + "\": " + problem);
    }

    CronException(String expression, String problem, Throwable cause) {
        super("invalid cron \"" + expression + "\": " + problem, cause);
    }
}

package dev.caravan.webhook;

/** A delivery that cannot be accepted, with the HTTP status and a message naming what is wrong. */
public final class WebhookException extends Exception {
    private final int status;

    public WebhookException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

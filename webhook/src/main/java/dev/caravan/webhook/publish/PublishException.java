package dev.caravan.webhook.publish;

/** A provider API call failed; {@link #retryable()} for 429, 5xx and network failures. */
public final class PublishException extends Exception {
    private final int status;

    public PublishException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when the request never got an answer. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return status == 0 || status == 429 || status >= 500;
    }
}

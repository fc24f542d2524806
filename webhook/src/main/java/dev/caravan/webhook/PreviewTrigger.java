package dev.caravan.webhook;

/** Asks for a plan preview of a pull request against one source. Must not block for long. */
@FunctionalInterface
public interface PreviewTrigger {
    void preview(String sourceName, WebhookEvent.PullRequest event);
}

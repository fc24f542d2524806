package dev.caravan.webhook;

import java.util.Objects;

/** A configured Git source as the webhook receiver sees it; a null or empty secret means unsigned. */
public record WebhookSource(String name, String branch, String secret) {
    public WebhookSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(branch, "branch");
    }

    boolean hasSecret() {
        return secret != null && !secret.isEmpty();
    }
}

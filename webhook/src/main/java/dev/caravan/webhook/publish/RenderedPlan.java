package dev.caravan.webhook.publish;

import java.util.Objects;

/** A plan of a pull request's head, rendered for a comment, with the status it earns. */
public record RenderedPlan(String markdown, CommitState state, String description) {
    public RenderedPlan {
        Objects.requireNonNull(markdown, "markdown");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(description, "description");
    }
}

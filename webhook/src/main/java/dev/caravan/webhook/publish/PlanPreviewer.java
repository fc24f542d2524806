package dev.caravan.webhook.publish;

import dev.caravan.webhook.WebhookEvent;

/**
 * Computes and renders the plan of a pull request's head against the live cluster: the
 * reconciler's plan of the source at {@code pr.headRef()}, never a second implementation.
 */
@FunctionalInterface
public interface PlanPreviewer {
    RenderedPlan plan(String source, WebhookEvent.PullRequest pr) throws Exception;
}

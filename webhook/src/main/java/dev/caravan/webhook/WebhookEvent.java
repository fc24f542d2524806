package dev.caravan.webhook;

import java.util.List;
import java.util.Objects;

/** What a delivery announces, reduced to what Caravan acts on. */
public sealed interface WebhookEvent {
    Provider provider();

    /** Commits pushed to {@code ref}; {@code branch} is null unless the ref is under refs/heads/. */
    record Push(Provider provider, String deliveryId, List<String> cloneUrls, String ref, String branch,
                String afterSha) implements WebhookEvent {
        public Push {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(afterSha, "afterSha");
            cloneUrls = List.copyOf(cloneUrls);
        }
    }

    /**
     * A pull (merge) request changed. {@code action} is one of opened, synchronize, reopened,
     * closed, merged, or the provider's own word for anything else; {@code headRef} is the ref
     * to fetch for its head.
     */
    record PullRequest(Provider provider, String deliveryId, List<String> cloneUrls, long number, String action,
                       String headRef, String headSha, String baseBranch) implements WebhookEvent {
        public PullRequest {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(headRef, "headRef");
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(baseBranch, "baseBranch");
            cloneUrls = List.copyOf(cloneUrls);
        }
    }

    /** The provider checking that the hook is reachable. */
    record Ping(Provider provider, String deliveryId) implements WebhookEvent {
        public Ping {
            Objects.requireNonNull(provider, "provider");
        }
    }

    /** An event Caravan does not act on. */
    record Unsupported(Provider provider, String eventName) implements WebhookEvent {
        public Unsupported {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(eventName, "eventName");
        }
    }
}

package dev.caravan.webhook;

import java.util.Map;

/**
 * Tells which provider sent a delivery from its headers. Gitea and Forgejo also send GitHub's
 * headers, so they are recognised first; Bitbucket Cloud and Server share {@code X-Event-Key}.
 */
public final class ProviderDetector {
    private ProviderDetector() {
    }

    /** The sending provider; {@link Provider#GENERIC} when no provider's event header is present. */
    public static Provider detect(Map<String, String> headers) {
        if (Headers.has(headers, "X-Forgejo-Event")) {
            return Provider.FORGEJO;
        }
        if (Headers.has(headers, "X-Gitea-Event")) {
            return Provider.GITEA;
        }
        if (Headers.has(headers, "X-Gitlab-Event")) {
            return Provider.GITLAB;
        }
        if (Headers.has(headers, "X-GitHub-Event")) {
            return Provider.GITHUB;
        }
        String key = Headers.get(headers, "X-Event-Key");
        if (key != null) {
            return isBitbucketServer(headers, key) ? Provider.BITBUCKET_SERVER : Provider.BITBUCKET;
        }
        return Provider.GENERIC;
    }

    private static boolean isBitbucketServer(Map<String, String> headers, String key) {
        if (Headers.has(headers, "X-Hook-UUID")) {
            return false;
        }
        return Headers.has(headers, "X-Request-Id")
                || key.equals("repo:refs_changed")
                || key.startsWith("pr:")
                || key.startsWith("diagnostics:")
                || key.startsWith("mirror:");
    }

    /** The header that names the event for the provider, null for {@link Provider#GENERIC}. */
    static String eventHeader(Provider provider) {
        return switch (provider) {
            case GITHUB -> "X-GitHub-Event";
            case GITLAB -> "X-Gitlab-Event";
            case GITEA -> "X-Gitea-Event";
            case FORGEJO -> "X-Forgejo-Event";
            case BITBUCKET, BITBUCKET_SERVER -> "X-Event-Key";
            case GENERIC -> null;
        };
    }

    /** The event name the delivery declares; Forgejo may send only Gitea's header. */
    static String eventName(Provider provider, Map<String, String> headers) {
        return switch (provider) {
            case FORGEJO -> first(headers, "X-Forgejo-Event", "X-Gitea-Event");
            case GENERIC -> {
                String e = Headers.get(headers, "X-Caravan-Event");
                yield e == null ? "push" : e;
            }
            default -> Headers.get(headers, eventHeader(provider));
        };
    }

    /** The provider's unique id of this delivery, null when it sends none. */
    static String deliveryId(Provider provider, Map<String, String> headers) {
        return switch (provider) {
            case GITHUB -> Headers.get(headers, "X-GitHub-Delivery");
            case GITLAB -> first(headers, "X-Gitlab-Event-UUID", "X-Gitlab-Webhook-UUID");
            case GITEA -> first(headers, "X-Gitea-Delivery", "X-GitHub-Delivery");
            case FORGEJO -> first(headers, "X-Forgejo-Delivery", "X-Gitea-Delivery");
            case BITBUCKET -> {
                String request = Headers.get(headers, "X-Request-UUID");
                String hook = Headers.get(headers, "X-Hook-UUID");
                yield request == null ? null : hook == null ? request : hook + "/" + request;
            }
            case BITBUCKET_SERVER -> Headers.get(headers, "X-Request-Id");
            case GENERIC -> Headers.get(headers, "X-Caravan-Delivery");
        };
    }

    private static String first(Map<String, String> headers, String a, String b) {
        String v = Headers.get(headers, a);
        return v != null ? v : Headers.get(headers, b);
    }
}

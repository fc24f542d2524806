package dev.caravan.webhook;

import java.util.Locale;
import java.util.Optional;

/** A Git hosting product that sends webhooks, named in URL paths as {@link #pathName()}. */
public enum Provider {
    GITHUB("github"),
    GITLAB("gitlab"),
    GITEA("gitea"),
    FORGEJO("forgejo"),
    BITBUCKET("bitbucket"),
    BITBUCKET_SERVER("bitbucket-server"),
    GENERIC("generic");

    private final String pathName;

    Provider(String pathName) {
        this.pathName = pathName;
    }

    /** The name used in {@code /v1/webhooks/{provider}}. */
    public String pathName() {
        return pathName;
    }

    /** The provider named by a path segment (case-insensitive), empty if none is. */
    public static Optional<Provider> fromPath(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (Provider p : values()) {
            if (p.pathName.equals(wanted)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}

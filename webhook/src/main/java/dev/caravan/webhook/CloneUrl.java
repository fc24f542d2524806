package dev.caravan.webhook;

import java.util.Locale;

/** Reduces Git URLs to {@code host/path} so that https, ssh and scp-like forms of one repository compare equal. */
public final class CloneUrl {
    private CloneUrl() {
    }

    /**
     * Drops the scheme, credentials, port, a trailing slash and {@code .git}; lower-cases the host.
     * {@code https://u:p@GitHub.com/o/r.git}, {@code git@github.com:o/r} and
     * {@code ssh://git@github.com:22/o/r.git} all become {@code github.com/o/r}.
     */
    public static String normalise(String url) {
        String s = url == null ? "" : url.strip();
        int scheme = s.indexOf("://");
        String authorityAndPath;
        if (scheme >= 0) {
            authorityAndPath = s.substring(scheme + 3);
        } else {
            // scp-like: [user@]host:path
            int colon = s.indexOf(':');
            authorityAndPath = colon >= 0 ? s.substring(0, colon) + "/" + s.substring(colon + 1) : s;
        }
        int slash = authorityAndPath.indexOf('/');
        String authority = slash >= 0 ? authorityAndPath.substring(0, slash) : authorityAndPath;
        String path = slash >= 0 ? authorityAndPath.substring(slash) : "";
        int at = authority.lastIndexOf('@');
        String host = at >= 0 ? authority.substring(at + 1) : authority;
        int port = host.lastIndexOf(':');
        if (port >= 0) {
            host = host.substring(0, port);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - 4);
        }
        return host.toLowerCase(Locale.ROOT) + path;
    }
}

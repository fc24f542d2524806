package dev.caravan.webhook.publish;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rendered plan preview of a pull request, ready to publish: the comment's Markdown and the
 * commit status for its head commit. {@code targetUrl} may be null.
 */
public record Preview(String source, long number, String headSha, String markdown, CommitState state,
                      String description, String targetUrl) {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");

    public Preview {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(markdown, "markdown");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(description, "description");
        if (number <= 0) {
            throw new IllegalArgumentException("pull request number must be positive: " + number);
        }
        if (!SHA.matcher(headSha).matches()) {
            throw new IllegalArgumentException("head commit is not a hex sha: " + headSha);
        }
    }
}

package dev.caravan.webhook;

import java.util.List;
import java.util.Map;

/** Finds the sources whose repository is one of a delivery's URLs. */
public interface SourceDirectory {
    /** The sources whose URL names the same repository as any of {@code cloneUrls} (see {@link CloneUrl}). */
    List<WebhookSource> match(List<String> cloneUrls);

    /** A fixed directory from each source's clone URL. */
    static SourceDirectory of(Map<String, WebhookSource> byCloneUrl) {
        Map<String, WebhookSource> copy = Map.copyOf(byCloneUrl);
        return urls -> {
            List<String> wanted = urls.stream().map(CloneUrl::normalise).toList();
            return copy.entrySet().stream()
                    .filter(e -> wanted.contains(CloneUrl.normalise(e.getKey())))
                    .map(Map.Entry::getValue)
                    .distinct()
                    .sorted(java.util.Comparator.comparing(WebhookSource::name))
                    .toList();
        };
    }
}

package dev.caravan.webhook.publish;

import dev.caravan.webhook.Provider;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes plan previews to pull requests: one comment per source and request (split into
 * parts past the provider's limit), created once and edited in place on every later push, and
 * the {@code caravan/plan} status of the head commit.
 *
 * <p>Work runs on one background thread, so it never blocks a sync or a webhook, and comments of
 * one request are never edited concurrently. A newer preview of the same request replaces one
 * still waiting (its future completes with {@code false}). Failures that may pass (network,
 * 429, 5xx) are retried with exponential backoff; others fail the future at once. After
 * {@link #closed} a request gets nothing more.
 */
public final class PreviewPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreviewPublisher.class);
    private static final int MAX_CLOSED = 10_000;

    /** Waits between retries; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private record Key(String source, long number) {
    }

    private record Work(PublishTarget target, Preview preview, boolean statusOnly, CompletableFuture<Boolean> done) {
    }

    private final HttpClient http;
    private final Sleeper sleeper;
    private final int attempts;
    private final Duration firstBackoff;
    private final ExecutorService worker;
    private final Map<Key, Work> waiting = new ConcurrentHashMap<>();
    private final Set<Key> closed = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
                    return size() > MAX_CLOSED;
                }
            }));

    public PreviewPublisher(HttpClient http, Sleeper sleeper, int attempts, Duration firstBackoff) {
        this.http = Objects.requireNonNull(http, "http");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.attempts = attempts;
        this.firstBackoff = Objects.requireNonNull(firstBackoff, "firstBackoff");
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "caravan-preview-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Five attempts, 1 s, 2 s, 4 s, 8 s apart. */
    public static PreviewPublisher create() {
        return new PreviewPublisher(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                d -> Thread.sleep(d.toMillis()), 5, Duration.ofSeconds(1));
    }

    /**
     * Queues the preview; the future completes with {@code true} once comment and status are
     * published, {@code false} when a newer preview or the request's closing made it moot.
     */
    public CompletableFuture<Boolean> publish(PublishTarget target, Preview preview) {
        return enqueue(new Work(target, preview, false, new CompletableFuture<>()));
    }

    /** Sets the head commit's status to pending (the plan is being computed); leaves comments alone. */
    public CompletableFuture<Boolean> pending(PublishTarget target, String source, long number, String headSha) {
        Preview p = new Preview(source, number, headSha, "", CommitState.PENDING, "computing the plan", null);
        return enqueue(new Work(target, p, true, new CompletableFuture<>()));
    }

    /** The request was closed or merged: drop what waits and publish nothing more for it. */
    public void closed(String source, long number) {
        Key key = new Key(source, number);
        closed.add(key);
        Work w = waiting.remove(key);
        if (w != null) {
            w.done().complete(false);
        }
    }

    private CompletableFuture<Boolean> enqueue(Work work) {
        Key key = new Key(work.preview().source(), work.preview().number());
        if (closed.contains(key)) {
            work.done().complete(false);
            return work.done();
        }
        Work replaced = waiting.put(key, work);
        if (replaced != null) {
            replaced.done().complete(false);
        }
        try {
            worker.execute(() -> run(key));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            waiting.remove(key, work);
            work.done().completeExceptionally(new PublishException(0, "publisher is closed"));
        }
        return work.done();
    }

    private void run(Key key) {
        Work w = waiting.remove(key);
        if (w == null) {
            return; // a newer preview took its place and was run by an earlier task
        }
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            if (closed.contains(key) || waiting.containsKey(key)) {
                w.done().complete(false);
                return;
            }
            try {
                publishOnce(w);
                w.done().complete(true);
                return;
            } catch (PublishException e) {
                if (!e.retryable() || attempt >= attempts) {
                    LOG.warn("preview of {} #{} for source {} not published: {}", w.target(),
                            key.number(), key.source(), e.getMessage());
                    w.done().completeExceptionally(e);
                    return;
                }
                LOG.info("preview of {} #{}: {}; retrying in {}", w.target(), key.number(), e.getMessage(), backoff);
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    w.done().completeExceptionally(e);
                    return;
                }
                backoff = backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                LOG.warn("preview of {} #{} failed", w.target(), key.number(), e);
                w.done().completeExceptionally(e);
                return;
            }
        }
    }

    private void publishOnce(Work w) throws PublishException {
        ReviewApi api = api(http, w.target());
        Preview p = w.preview();
        if (!w.statusOnly()) {
            upsertComments(api, p);
        }
        api.status(p.headSha(), p.state(), p.description(), p.targetUrl());
    }

    /** Edits this source's comments in place, creates missing parts, deletes parts no longer needed. */
    static void upsertComments(ReviewApi api, Preview p) throws PublishException {
        List<String> parts = CommentParts.split(p.source(), p.markdown(), api.maxCommentLength());
        TreeMap<Integer, ReviewApi.Comment> mine = new TreeMap<>();
        List<ReviewApi.Comment> duplicates = new ArrayList<>();
        for (ReviewApi.Comment c : api.comments(p.number())) {
            OptionalInt part = CommentParts.partOf(p.source(), c.body());
            if (part.isPresent()) {
                if (mine.putIfAbsent(part.getAsInt(), c) != null) {
                    duplicates.add(c);
                }
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            ReviewApi.Comment existing = mine.remove(i + 1);
            if (existing == null) {
                api.create(p.number(), parts.get(i));
            } else if (!existing.body().equals(parts.get(i))) {
                api.edit(p.number(), existing, parts.get(i));
            }
        }
        for (ReviewApi.Comment surplus : mine.values()) {
            api.delete(p.number(), surplus);
        }
        for (ReviewApi.Comment d : duplicates) {
            api.delete(p.number(), d);
        }
    }

    static ReviewApi api(HttpClient http, PublishTarget t) {
        return switch (t.provider()) {
            case GITHUB -> GitHubApi.github(http, t);
            case GITEA, FORGEJO -> GitHubApi.gitea(http, t);
            case GITLAB -> new GitLabApi(http, t);
            case BITBUCKET -> new BitbucketCloudApi(http, t);
            case BITBUCKET_SERVER -> new BitbucketServerApi(http, t);
            case GENERIC -> throw new IllegalArgumentException("no API for " + Provider.GENERIC.pathName());
        };
    }

    @Override
    public void close() {
        worker.shutdownNow();
        waiting.values().forEach(w -> w.done().complete(false));
        waiting.clear();
    }
}

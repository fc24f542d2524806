package dev.caravan.webhook.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.webhook.Provider;
import dev.caravan.webhook.WebhookEvent;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PullRequestPreviewsTest {
    private static final String SHA1 = "1".repeat(40);
    private static final String SHA2 = "2".repeat(40);

    private FakeProvider fake;
    private PullRequestPreviews previews;
    private final List<String> planned = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (previews != null) {
            previews.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private void start(PlanPreviewer planner) throws Exception {
        fake = new FakeProvider(Provider.GITHUB);
        PreviewPublisher publisher = new PreviewPublisher(HttpClient.newHttpClient(), d -> { }, 3, Duration.ofMillis(1));
        previews = new PullRequestPreviews(s -> s.equals("prod") ? Optional.of(fake.target()) : Optional.empty(),
                planner, publisher);
    }

    private static WebhookEvent.PullRequest pr(String action, String sha) {
        return new WebhookEvent.PullRequest(Provider.GITHUB, "d-" + action + sha, List.of("https://github.com/owner/repo"),
                FakeProvider.PR, action, "refs/pull/7/head", sha, "main");
    }

    /** A pending status still waiting when the plan is ready is superseded by it, so it may never be sent. */
    private void awaitLastStatus(String sha, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            int n = fake.statuses.size();
            if (n > 0 && fake.statuses.get(n - 1).path("sha").asText().equals(sha)
                    && fake.statuses.get(n - 1).path("state").asText().equals(state)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + state + " status for " + sha + ": " + fake.statuses);
    }

    @Test
    void aPushToARequestPublishesPendingThenThePlanAndTheNextPushEditsTheSameComment() throws Exception {
        start((source, pr) -> {
            planned.add(pr.headSha());
            return new RenderedPlan("plan of " + pr.headSha() + "\n", CommitState.SUCCESS, "no errors");
        });

        previews.preview("prod", pr("opened", SHA1));
        awaitLastStatus(SHA1, "success");
        List<String> first = fake.statuses.stream().map(s -> s.path("state").asText()).toList();
        previews.preview("prod", pr("synchronize", SHA2));
        awaitLastStatus(SHA2, "success");

        // the pending status goes first, unless the plan was ready before it was sent
        assertTrue(first.equals(List.of("pending", "success")) || first.equals(List.of("success")),
                "statuses of the first push: " + first);
        assertEquals(1, fake.commentList().size());
        assertTrue(fake.commentList().get(0).body().endsWith("plan of " + SHA2 + "\n"));
    }

    @Test
    void aPlanThatFailsIsPublishedAsAnErrorStatusWithTheReason() throws Exception {
        start((source, pr) -> {
            throw new IllegalStateException("cannot fetch refs/pull/7/head");
        });

        previews.preview("prod", pr("opened", SHA1));
        awaitLastStatus(SHA1, "error");

        assertEquals("error", fake.statuses.get(fake.statuses.size() - 1).path("state").asText());
        assertTrue(fake.commentList().get(0).body().contains("cannot fetch refs/pull/7/head"));
    }

    @Test
    void aClosedRequestGetsNothingMore() throws Exception {
        start((source, pr) -> new RenderedPlan("plan\n", CommitState.SUCCESS, "ok"));

        previews.preview("prod", pr("closed", SHA1));
        previews.preview("prod", pr("synchronize", SHA1));
        Thread.sleep(200);

        assertTrue(fake.requests.isEmpty(), "requests: " + fake.requests);
    }

    @Test
    void sourcesWithoutATargetAndOtherActionsPublishNothing() throws Exception {
        start((source, pr) -> new RenderedPlan("plan\n", CommitState.SUCCESS, "ok"));

        previews.preview("staging", pr("opened", SHA1));
        previews.preview("prod", pr("labeled", SHA1));
        Thread.sleep(200);

        assertTrue(fake.requests.isEmpty());
    }
}

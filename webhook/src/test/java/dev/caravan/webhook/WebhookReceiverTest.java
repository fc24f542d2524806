package dev.caravan.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {
    static final String SECRET = "caravan-corpus-secret";
    static final byte[] GITEA_PUSH = Corpus.bytes("gitea/push-event.json");
    static final String GITEA_URL = "http://localhost:3000/example/example.git";

    final BlockingQueue<String> synced = new LinkedBlockingQueue<>();
    final List<String> previewed = new ArrayList<>();
    WebhookReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    WebhookReceiver receiver(Map<String, WebhookSource> sources) {
        receiver = new WebhookReceiver(SourceDirectory.of(sources), synced::add,
                (name, pr) -> previewed.add(name + "#" + pr.number() + " " + pr.action()), 8, 100);
        return receiver;
    }

    static Map<String, String> giteaPush(String delivery, byte[] body, String secret) {
        Map<String, String> h = new HashMap<>();
        h.put("X-Gitea-Event", "push");
        h.put("X-GitHub-Event", "push");
        h.put("X-Gitea-Delivery", delivery);
        h.put("X-Gitea-Signature", SignatureVerifier.hmacSha256Hex(secret, body));
        return h;
    }

    @Test
    void queuesASyncForAPushToTheTrackedBranch() throws InterruptedException {
        receiver(Map.of(GITEA_URL, new WebhookSource("example", "master", SECRET)));

        WebhookResponse r = receiver.handle(null, giteaPush("d1", GITEA_PUSH, SECRET), GITEA_PUSH);

        assertEquals(202, r.status());
        assertEquals("{\"status\":\"queued\",\"sources\":[\"example\"]}", r.jsonBody());
        assertEquals("example", synced.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void matchesTheSourceWhateverFormOfItsUrlWasConfigured() throws InterruptedException {
        receiver(Map.of("ssh://git@LOCALHOST:2222/example/example", new WebhookSource("example", "master", SECRET)));

        WebhookResponse r = receiver.handle("gitea", giteaPush("d1", GITEA_PUSH, SECRET), GITEA_PUSH);

        assertEquals(202, r.status());
        assertEquals("example", synced.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void ignoresAPushToAnotherBranch() {
        receiver(Map.of(GITEA_URL, new WebhookSource("example", "main", SECRET)));

        WebhookResponse r = receiver.handle(null, giteaPush("d1", GITEA_PUSH, SECRET), GITEA_PUSH);

        assertEquals(202, r.status());
        assertEquals("{\"status\":\"ignored\",\"reason\":\"push to refs/heads/master is not to a tracked branch\"}", r.jsonBody());
        assertTrue(synced.isEmpty());
    }

    @Test
    void ignoresAPushNoSourceTracks() {
        receiver(Map.of("https://example.org/other.git", new WebhookSource("other", "master", SECRET)));

        WebhookResponse r = receiver.handle(null, giteaPush("d1", GITEA_PUSH, SECRET), GITEA_PUSH);

        assertEquals(202, r.status());
        assertTrue(r.jsonBody().startsWith("{\"status\":\"ignored\",\"reason\":\"no source tracks http://localhost:3000/example/example.git"), r.jsonBody());
    }

    @Test
    void refusesAWrongSignatureAndDoesNothing() {
        receiver(Map.of(GITEA_URL, new WebhookSource("example", "master", SECRET)));

        WebhookResponse r = receiver.handle(null, giteaPush("d1", GITEA_PUSH, "wrong"), GITEA_PUSH);

        assertEquals(401, r.status());
        assertEquals("{\"status\":\"error\",\"error\":\"signature in X-Gitea-Signature does not match\"}", r.jsonBody());
        assertTrue(synced.isEmpty());
    }

    @Test
    void refusesAMissingSignatureWhenTheSourceHasASecret() {
        receiver(Map.of(GITEA_URL, new WebhookSource("example", "master", SECRET)));
        Map<String, String> headers = giteaPush("d1", GITEA_PUSH, SECRET);
        headers.remove("X-Gitea-Signature");

        WebhookResponse r = receiver.handle(null, headers, GITEA_PUSH);

        assertEquals(401, r.status());
        assertEquals("{\"status\":\"error\",\"error\":\"missing signature header X-Gitea-Signature\"}", r.jsonBody());
    }

    @Test
    void acceptsAnUnsignedPushForASourceWithoutSecret() throws InterruptedException {
        receiver(Map.of(GITEA_URL, new WebhookSource("example", "master", null)));

        WebhookResponse r = receiver.handle(null, Map.of("X-Gitea-Event", "push"), GITEA_PUSH);

        assertEquals(202, r.status());
        assertEquals("example", synced.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void actsOnceOnARedeliveredEvent() throws InterruptedException {
        receiver(Map.of(GITEA_URL, new WebhookSource("example", "master", SECRET)));
        receiver.handle(null, giteaPush("same", GITEA_PUSH, SECRET), GITEA_PUSH);
        assertEquals("example", synced.poll(10, TimeUnit.SECONDS));

        WebhookResponse again = receiver.handle(null, giteaPush("same", GITEA_PUSH, SECRET), GITEA_PUSH);

        assertEquals(200, again.status());
        assertEquals("{\"status\":\"duplicate\",\"delivery\":\"same\"}", again.jsonBody());
    }

    @Test
    void answers503WithRetryAfterWhenTheSyncQueueIsFull() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, WebhookSource> sources = Map.of(
                "https://git.example/a.git", new WebhookSource("a", "main", null),
                "https://git.example/b.git", new WebhookSource("b", "main", null),
                "https://git.example/c.git", new WebhookSource("c", "main", null));
        receiver = new WebhookReceiver(SourceDirectory.of(sources), name -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, (name, pr) -> { }, 1, 100);
        try {
            assertEquals(202, receiver.handle("generic", Map.of(), genericPush("a")).status());
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertEquals(202, receiver.handle("generic", Map.of(), genericPush("b")).status());

            WebhookResponse full = receiver.handle("generic", Map.of(), genericPush("c"));

            assertEquals(503, full.status());
            assertEquals("10", full.headers().get("Retry-After"));
            assertEquals("{\"status\":\"error\",\"error\":\"sync queue is full\"}", full.jsonBody());
        } finally {
            release.countDown();
        }
    }

    static byte[] genericPush(String repo) {
        return ("{\"ref\":\"refs/heads/main\",\"after\":\"abc\",\"repository\":{\"clone_url\":\"https://git.example/"
                + repo + ".git\"}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void answersPingWith200() {
        receiver(Map.of());

        WebhookResponse r = receiver.handle("github", Map.of("X-GitHub-Event", "ping"), Corpus.bytes("github/ping_payload.json"));

        assertEquals(200, r.status());
        assertEquals("{\"status\":\"pong\"}", r.jsonBody());
    }

    @Test
    void passesAPullRequestAgainstTheTrackedBranchToThePreview() {
        byte[] body = Corpus.bytes("github/pull_request_opened.json");
        receiver(Map.of("https://github.com/Codertocat/Hello-World", new WebhookSource("hello", "master", SECRET)));
        Map<String, String> headers = Map.of("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "p1",
                "X-Hub-Signature-256", "sha256=7e3bcb36a69474784a3ff01d8cde687fa9d32244143a334a090735350e311293");

        WebhookResponse r = receiver.handle(null, headers, body);

        assertEquals(202, r.status());
        assertEquals("{\"status\":\"preview\",\"sources\":[\"hello\"]}", r.jsonBody());
        assertEquals(List.of("hello#2 opened"), previewed);
    }

    @Test
    void rejectsABodyOver5MiB() {
        receiver(Map.of());

        WebhookResponse r = receiver.handle(null, Map.of("X-GitHub-Event", "push"), new byte[WebhookReceiver.MAX_BODY_BYTES + 1]);

        assertEquals(413, r.status());
        assertEquals("{\"status\":\"error\",\"error\":\"body is larger than 5242880 bytes\"}", r.jsonBody());
    }

    @Test
    void rejectsAnUnknownProviderPath() {
        receiver(Map.of());

        WebhookResponse r = receiver.handle("svn", Map.of(), new byte[0]);

        assertEquals(404, r.status());
        assertEquals("{\"status\":\"error\",\"error\":\"unknown provider svn\"}", r.jsonBody());
    }

    @Test
    void rejectsMalformedJsonWith400() {
        receiver(Map.of());

        WebhookResponse r = receiver.handle("github", Map.of("X-GitHub-Event", "push"),
                "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8));

        assertEquals(400, r.status());
        assertEquals("{\"status\":\"error\",\"error\":\"push payload: missing field after\"}", r.jsonBody());
    }

    @Test
    void ignoresUnsupportedEvents() {
        receiver(Map.of());

        WebhookResponse r = receiver.handle(null, Map.of("X-GitHub-Event", "issue_comment"), Corpus.bytes("github/issue_comment_created.json"));

        assertEquals(202, r.status());
        assertEquals("{\"status\":\"ignored\",\"reason\":\"event issue_comment is not acted on\"}", r.jsonBody());
    }
}

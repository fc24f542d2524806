package dev.caravan.webhook.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.webhook.Provider;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PreviewPublisherTest {
    private static final String SHA1 = "a".repeat(40);
    private static final String SHA2 = "b".repeat(40);

    private final List<Duration> slept = new ArrayList<>();
    private final PreviewPublisher publisher = new PreviewPublisher(HttpClient.newHttpClient(),
            slept::add, 4, Duration.ofSeconds(1));
    private FakeProvider fake;

    @AfterEach
    void stop() {
        publisher.close();
        if (fake != null) {
            fake.close();
        }
    }

    private static Preview preview(String sha, String markdown, CommitState state) {
        return new Preview("prod", FakeProvider.PR, sha, markdown, state, "1 job to update", "https://caravan.example/plan");
    }

    private static boolean await(CompletableFuture<Boolean> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(value = Provider.class, names = {"GITHUB", "GITEA", "FORGEJO", "GITLAB", "BITBUCKET", "BITBUCKET_SERVER"})
    void createsTheCommentOnceThenEditsItInPlaceAndSetsTheStatus(Provider provider) throws Exception {
        fake = new FakeProvider(provider);
        fake.addForeignComment("LGTM");

        assertTrue(await(publisher.publish(fake.target(), preview(SHA1, "## Plan\nfirst\n", CommitState.SUCCESS))));
        long created = fake.commentList().stream().filter(c -> c.body().contains("first")).count();
        int writesAfterFirst = fake.writes().size();
        assertTrue(await(publisher.publish(fake.target(), preview(SHA2, "## Plan\nsecond\n", CommitState.FAILURE))));

        assertEquals(1, created);
        List<FakeProvider.StoredComment> comments = fake.commentList();
        assertEquals(2, comments.size(), "the foreign comment and one preview: " + comments);
        assertEquals("LGTM", comments.get(0).body());
        assertTrue(comments.get(1).body().startsWith("<!-- caravan-plan source=prod part=1 -->\n"));
        assertTrue(comments.get(1).body().endsWith("## Plan\nsecond\n"));
        List<FakeProvider.Request> secondWrites = fake.writes().subList(writesAfterFirst, fake.writes().size());
        assertEquals(2, secondWrites.size(), "one edit and one status: " + secondWrites);
        assertFalse(secondWrites.get(0).method().equals("POST"), "the second push edits, never creates");
        assertEquals(2, fake.statuses.size());
        JsonNode first = fake.statuses.get(0);
        JsonNode second = fake.statuses.get(1);
        assertEquals(SHA1, first.path("sha").asText());
        assertEquals(SHA2, second.path("sha").asText());
        assertEquals(expectedState(provider, CommitState.SUCCESS), stateOf(provider, first));
        assertEquals(expectedState(provider, CommitState.FAILURE), stateOf(provider, second));
        assertEquals("caravan/plan", contextOf(provider, second));
        assertEquals("1 job to update", second.path("description").asText());
    }

    private static String stateOf(Provider provider, JsonNode status) {
        return status.path("state").asText();
    }

    private static String contextOf(Provider provider, JsonNode status) {
        return switch (provider) {
            case GITHUB, GITEA, FORGEJO -> status.path("context").asText();
            case GITLAB -> status.path("name").asText();
            default -> status.path("key").asText();
        };
    }

    private static String expectedState(Provider provider, CommitState state) {
        return switch (provider) {
            case GITHUB, GITEA, FORGEJO -> state.name().toLowerCase(java.util.Locale.ROOT);
            case GITLAB -> switch (state) {
                case PENDING -> "running";
                case SUCCESS -> "success";
                default -> "failed";
            };
            default -> switch (state) {
                case PENDING -> "INPROGRESS";
                case SUCCESS -> "SUCCESSFUL";
                default -> "FAILED";
            };
        };
    }

    @Test
    void splitsALongPreviewIntoPartsAndDeletesPartsNoLongerNeeded() throws Exception {
        fake = new FakeProvider(Provider.GITHUB);
        StringBuilder huge = new StringBuilder();
        for (int i = 0; huge.length() < 150_000; i++) {
            huge.append("- job-").append(i).append(": update (forces create/destroy update)\n");
        }

        assertTrue(await(publisher.publish(fake.target(), preview(SHA1, huge.toString(), CommitState.SUCCESS))));
        List<FakeProvider.StoredComment> parts = fake.commentList();
        assertTrue(await(publisher.publish(fake.target(), preview(SHA2, "small\n", CommitState.SUCCESS))));

        assertEquals(3, parts.size());
        parts.forEach(p -> assertTrue(p.body().length() <= 65_536, "part length " + p.body().length()));
        assertTrue(parts.get(2).body().contains("_Part 3 of 3_"));
        String joined = String.join("", parts.stream().map(p -> p.body().substring(p.body().indexOf("_\n\n") + 3)).toList());
        assertEquals(huge.toString(), joined);
        List<FakeProvider.StoredComment> after = fake.commentList();
        assertEquals(1, after.size());
        assertEquals(parts.get(0).id(), after.get(0).id(), "part 1 is edited in place");
    }

    @Test
    void retriesServerErrorsWithExponentialBackoff() throws Exception {
        fake = new FakeProvider(Provider.GITLAB);
        fake.failuresLeft.set(2);

        assertTrue(await(publisher.publish(fake.target(), preview(SHA1, "plan\n", CommitState.SUCCESS))));

        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), slept);
        assertEquals(1, fake.commentList().size());
        assertEquals(1, fake.statuses.size());
    }

    @Test
    void givesUpAtOnceOnAnErrorThatRetryingCannotFix() throws Exception {
        fake = new FakeProvider(Provider.GITHUB);
        fake.failuresLeft.set(1);
        fake.failureStatus = 403;

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> await(publisher.publish(fake.target(), preview(SHA1, "plan\n", CommitState.SUCCESS))));

        PublishException cause = assertInstanceOf(PublishException.class, e.getCause());
        assertEquals(403, cause.status());
        assertTrue(cause.getMessage().contains("HTTP 403"), cause.getMessage());
        assertTrue(slept.isEmpty());
        assertEquals(1, fake.requests.size());
    }

    @Test
    void aWrongTokenIsRejectedByTheProviderAndNotRetried() throws Exception {
        fake = new FakeProvider(Provider.GITEA);
        PublishTarget wrong = new PublishTarget(Provider.GITEA, fake.apiUrl(), fake.repository(), "nope");

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> await(publisher.publish(wrong, preview(SHA1, "plan\n", CommitState.SUCCESS))));

        assertEquals(401, ((PublishException) e.getCause()).status());
        assertTrue(fake.commentList().isEmpty());
    }

    @Test
    void aNewerPreviewReplacesOneStillWaiting() throws Exception {
        fake = new FakeProvider(Provider.GITHUB);
        fake.gate = new CountDownLatch(1);
        Preview other = new Preview("staging", FakeProvider.PR, SHA1, "other source\n", CommitState.SUCCESS, "x", null);

        CompletableFuture<Boolean> inFlight = publisher.publish(fake.target(), other);
        CompletableFuture<Boolean> older = publisher.publish(fake.target(), preview(SHA1, "older\n", CommitState.SUCCESS));
        CompletableFuture<Boolean> newer = publisher.publish(fake.target(), preview(SHA2, "newer\n", CommitState.SUCCESS));
        fake.gate.countDown();
        fake.gate = null;

        assertTrue(await(inFlight));
        assertFalse(await(older));
        assertTrue(await(newer));
        assertTrue(fake.commentList().stream().noneMatch(c -> c.body().contains("older")));
        assertTrue(fake.commentList().stream().anyMatch(c -> c.body().contains("newer")));
    }

    @Test
    void publishesNothingForAClosedRequest() throws Exception {
        fake = new FakeProvider(Provider.BITBUCKET);

        publisher.closed("prod", FakeProvider.PR);

        assertFalse(await(publisher.publish(fake.target(), preview(SHA1, "plan\n", CommitState.SUCCESS))));
        assertTrue(fake.requests.isEmpty());
    }

    @Test
    void pendingSetsOnlyTheStatus() throws Exception {
        fake = new FakeProvider(Provider.BITBUCKET_SERVER);

        assertTrue(await(publisher.pending(fake.target(), "prod", FakeProvider.PR, SHA1)));

        assertTrue(fake.commentList().isEmpty());
        assertEquals("INPROGRESS", fake.statuses.get(0).path("state").asText());
    }

    @Test
    void leavesCommentsOfOtherSourcesAlone() throws Exception {
        fake = new FakeProvider(Provider.GITHUB);
        fake.addForeignComment(CommentParts.marker("staging", 1) + "\nstaging's plan\n");

        assertTrue(await(publisher.publish(fake.target(), preview(SHA1, "prod's plan\n", CommitState.SUCCESS))));

        assertEquals(2, fake.commentList().size());
        assertTrue(fake.commentList().get(0).body().contains("staging's plan"));
    }
}

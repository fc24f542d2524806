package dev.caravan.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.webhook.WebhookEvent.Ping;
import dev.caravan.webhook.WebhookEvent.PullRequest;
import dev.caravan.webhook.WebhookEvent.Push;
import dev.caravan.webhook.WebhookEvent.Unsupported;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PayloadParserTest {
    record PushCase(String file, Provider provider, Map<String, String> headers, String cloneUrl, String ref,
                    String branch, String afterSha) {
        @Override
        public String toString() {
            return file;
        }
    }

    record PullRequestCase(String file, Provider provider, Map<String, String> headers, String cloneUrl, long number,
                           String action, String headRef, String headSha, String baseBranch) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<PushCase> pushes() {
        return Stream.of(
                new PushCase("github/push_payload.json", Provider.GITHUB, Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-1"),
                        "https://github.com/Codertocat/Hello-World.git", "refs/tags/simple-tag", null,
                        "0000000000000000000000000000000000000000"),
                new PushCase("github/push_with-new-branch.json", Provider.GITHUB, Map.of("X-GitHub-Event", "push"),
                        null, null, null, null),
                new PushCase("github/push_with-no-username-committer.json", Provider.GITHUB, Map.of("X-GitHub-Event", "push"),
                        null, null, null, null),
                new PushCase("gitea/push-event.json", Provider.GITEA, Map.of("X-Gitea-Event", "push", "X-GitHub-Event", "push"),
                        "http://localhost:3000/example/example.git", "refs/heads/master", "master",
                        "67b56589a45103f891bdee7c0546e5d40bc02001"),
                new PushCase("gitea/push-event.json", Provider.FORGEJO, Map.of("X-Forgejo-Event", "push"),
                        "git@localhost:example/example.git", "refs/heads/master", "master",
                        "67b56589a45103f891bdee7c0546e5d40bc02001"),
                new PushCase("gitlab/push-event.json", Provider.GITLAB, Map.of("X-Gitlab-Event", "Push Hook"),
                        "http://example.com/mike/diaspora.git", "refs/heads/master", "master",
                        "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"),
                new PushCase("bitbucket/repo-push.json", Provider.BITBUCKET, Map.of("X-Event-Key", "repo:push"),
                        "https://bitbucket.org/team_name/repo_name.git", "refs/heads/name-of-branch", "name-of-branch",
                        "709d658dc5b6d6afcd46049c2f332ee3f515a67d"),
                new PushCase("bitbucket-server/repo-refs-changed.json", Provider.BITBUCKET_SERVER, Map.of("X-Event-Key", "repo:refs_changed"),
                        "https://server.bitbucket.local/scm/~gopher/webhook-test.git", "refs/heads/feature/wip", "feature/wip",
                        "0000000000000000000000000000000000000000"));
    }

    @ParameterizedTest
    @MethodSource("pushes")
    void readsEveryCorpusPush(PushCase c) throws WebhookException {
        WebhookEvent event = PayloadParser.parse(c.provider(), c.headers(), Corpus.bytes(c.file()));

        Push push = (Push) event;
        assertEquals(c.provider(), push.provider());
        assertTrue(!push.cloneUrls().isEmpty());
        if (c.ref() != null) {
            assertTrue(push.cloneUrls().contains(c.cloneUrl()), push.cloneUrls().toString());
            assertEquals(c.ref(), push.ref());
            assertEquals(c.branch(), push.branch());
            assertEquals(c.afterSha(), push.afterSha());
        }
    }

    static Stream<PullRequestCase> pullRequests() {
        Map<String, String> github = Map.of("X-GitHub-Event", "pull_request");
        return Stream.of(
                new PullRequestCase("github/pull_request_opened.json", Provider.GITHUB, github,
                        "https://github.com/Codertocat/Hello-World.git", 2, "opened", "refs/pull/2/head",
                        "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "master"),
                new PullRequestCase("github/pull_request_synchronize.json", Provider.GITHUB, github, null, 0, "synchronize", null, null, "master"),
                new PullRequestCase("github/pull_request_reopened.json", Provider.GITHUB, github, null, 0, "reopened", null, null, "master"),
                new PullRequestCase("github/pull_request_closed.json", Provider.GITHUB, github, null, 0, "closed", null, null, "master"),
                new PullRequestCase("gitea/pull-request-event.json", Provider.GITEA, Map.of("X-Gitea-Event", "pull_request"),
                        null, 2, "opened", "refs/pull/2/head", "48e773f892a831faa47c0a160d1b7f0cd369ae2a", "master"),
                new PullRequestCase("gitlab/merge-request-event.json", Provider.GITLAB, Map.of("X-Gitlab-Event", "Merge Request Hook"),
                        "http://example.com/awesome_space/awesome_project.git", 1, "opened", "refs/merge-requests/1/head",
                        "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "master"),
                new PullRequestCase("bitbucket/pull-request-created.json", Provider.BITBUCKET, Map.of("X-Event-Key", "pullrequest:created"),
                        "https://bitbucket.org/team_name/repo_name.git", 1, "opened", "refs/heads/branch2", "d3022fc0ca3d", "master"),
                new PullRequestCase("bitbucket/pull-request-updated.json", Provider.BITBUCKET, Map.of("X-Event-Key", "pullrequest:updated"),
                        null, 1, "synchronize", "refs/heads/branch2", "d3022fc0ca3d", "master"),
                new PullRequestCase("bitbucket/pull-request-merged.json", Provider.BITBUCKET, Map.of("X-Event-Key", "pullrequest:fulfilled"),
                        null, 1, "merged", "refs/heads/branch2", "d3022fc0ca3d", "master"),
                new PullRequestCase("bitbucket-server/pr-opened.json", Provider.BITBUCKET_SERVER, Map.of("X-Event-Key", "pr:opened"),
                        "https://server.bitbucket.local/scm/~gopher/webhook-test.git", 5, "opened", "refs/heads/feature/wip",
                        "32a0b8a740c2963c6f56bd8baf3dc05683d299e0", "master"),
                new PullRequestCase("bitbucket-server/pr-merged.json", Provider.BITBUCKET_SERVER, Map.of("X-Event-Key", "pr:merged"),
                        null, 5, "merged", "refs/heads/feature/wip", "32a0b8a740c2963c6f56bd8baf3dc05683d299e0", "master"));
    }

    @ParameterizedTest
    @MethodSource("pullRequests")
    void readsEveryCorpusPullRequest(PullRequestCase c) throws WebhookException {
        WebhookEvent event = PayloadParser.parse(c.provider(), c.headers(), Corpus.bytes(c.file()));

        PullRequest pr = (PullRequest) event;
        assertEquals(c.action(), pr.action());
        assertEquals(c.baseBranch(), pr.baseBranch());
        assertTrue(!pr.cloneUrls().isEmpty());
        if (c.headRef() != null) {
            assertEquals(c.number(), pr.number());
            assertEquals(c.headRef(), pr.headRef());
            assertEquals(c.headSha(), pr.headSha());
        }
        if (c.cloneUrl() != null) {
            assertTrue(pr.cloneUrls().contains(c.cloneUrl()), pr.cloneUrls().toString());
        }
    }

    @Test
    void readsAGithubPing() throws WebhookException {
        Map<String, String> headers = Map.of("X-GitHub-Event", "ping", "X-GitHub-Delivery", "abc");

        WebhookEvent event = PayloadParser.parse(Provider.GITHUB, headers, Corpus.bytes("github/ping_payload.json"));

        assertEquals(new Ping(Provider.GITHUB, "abc"), event);
    }

    @Test
    void reportsOtherEventsAsUnsupported() throws WebhookException {
        Map<String, String> headers = Map.of("X-GitHub-Event", "issue_comment");

        WebhookEvent event = PayloadParser.parse(Provider.GITHUB, headers, Corpus.bytes("github/issue_comment_created.json"));

        assertEquals(new Unsupported(Provider.GITHUB, "issue_comment"), event);
    }

    @Test
    void reportsGiteaCreateEventAsUnsupported() throws WebhookException {
        WebhookEvent event = PayloadParser.parse(Provider.GITEA, Map.of("X-Gitea-Event", "create"),
                Corpus.bytes("gitea/create-event.json"));

        assertEquals(new Unsupported(Provider.GITEA, "create"), event);
    }

    record BadCase(String name, Provider provider, Map<String, String> headers, String body, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadCase> badPayloads() {
        Map<String, String> push = Map.of("X-GitHub-Event", "push");
        return Stream.of(
                new BadCase("empty body", Provider.GITHUB, push, "", "body is empty"),
                new BadCase("array body", Provider.GITHUB, push, "[]", "body is not a JSON object"),
                new BadCase("no event header", Provider.GITHUB, Map.of(), "{}", "missing header X-GitHub-Event"),
                new BadCase("no clone url", Provider.GITHUB, push, "{\"ref\":\"refs/heads/main\",\"after\":\"abc\",\"repository\":{}}",
                        "push payload: missing field repository.clone_url"),
                new BadCase("ref not a string", Provider.GITHUB, push, "{\"ref\":3}", "push payload: field ref is not a string"),
                new BadCase("no ref", Provider.GITLAB, Map.of("X-Gitlab-Event", "Push Hook"), "{\"after\":\"a\"}",
                        "push payload: missing field ref"),
                new BadCase("pr number not a number", Provider.GITHUB, Map.of("X-GitHub-Event", "pull_request"),
                        "{\"number\":\"2\"}", "pull_request payload: field number is not a positive integer"),
                new BadCase("bitbucket changes empty", Provider.BITBUCKET, Map.of("X-Event-Key", "repo:push"),
                        "{\"push\":{\"changes\":[]}}", "push payload: missing field push.changes[0]"),
                new BadCase("bitbucket server clone links not an array", Provider.BITBUCKET_SERVER, Map.of("X-Event-Key", "repo:refs_changed"),
                        "{\"changes\":[{\"refId\":\"refs/heads/x\",\"toHash\":\"a\"}],\"repository\":{\"links\":{\"clone\":{}}}}",
                        "push payload: field repository.links.clone is not an array"));
    }

    @ParameterizedTest
    @MethodSource("badPayloads")
    void rejectsBadPayloadsWithA400NamingTheProblem(BadCase c) {
        byte[] body = c.body().getBytes(StandardCharsets.UTF_8);

        WebhookException e = assertThrows(WebhookException.class, () -> PayloadParser.parse(c.provider(), c.headers(), body));

        assertEquals(400, e.status());
        assertEquals(c.message(), e.getMessage());
    }

    @Test
    void rejectsTruncatedJsonNamingTheParserProblem() {
        byte[] body = "{\"ref\":".getBytes(StandardCharsets.UTF_8);

        WebhookException e = assertThrows(WebhookException.class,
                () -> PayloadParser.parse(Provider.GITHUB, Map.of("X-GitHub-Event", "push"), body));

        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("body is not JSON: "), e.getMessage());
    }

    @Test
    void keepsEveryUrlTheGitlabPushNames() throws WebhookException {
        WebhookEvent event = PayloadParser.parse(Provider.GITLAB, Map.of("X-Gitlab-Event", "Push Hook"),
                Corpus.bytes("gitlab/push-event.json"));

        assertEquals(List.of("http://example.com/mike/diaspora.git", "git@example.com:mike/diaspora.git",
                "http://example.com/mike/diaspora"), ((Push) event).cloneUrls());
    }
}

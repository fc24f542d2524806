package dev.caravan.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProviderDetectorTest {
    record Case(String name, Map<String, String> headers, Provider expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("github", Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d1"), Provider.GITHUB),
                new Case("header names in any case", Map.of("x-github-event", "push"), Provider.GITHUB),
                new Case("gitea before github", Map.of("X-GitHub-Event", "push", "X-Gitea-Event", "push", "X-Gogs-Event", "push"), Provider.GITEA),
                new Case("forgejo before gitea", Map.of("X-GitHub-Event", "push", "X-Gitea-Event", "push", "X-Forgejo-Event", "push"), Provider.FORGEJO),
                new Case("gitlab", Map.of("X-Gitlab-Event", "Push Hook"), Provider.GITLAB),
                new Case("bitbucket cloud by hook uuid", Map.of("X-Event-Key", "repo:push", "X-Hook-UUID", "u"), Provider.BITBUCKET),
                new Case("bitbucket cloud by event key", Map.of("X-Event-Key", "pullrequest:created"), Provider.BITBUCKET),
                new Case("bitbucket server by request id", Map.of("X-Event-Key", "repo:modified", "X-Request-Id", "r"), Provider.BITBUCKET_SERVER),
                new Case("bitbucket server by refs_changed", Map.of("X-Event-Key", "repo:refs_changed"), Provider.BITBUCKET_SERVER),
                new Case("bitbucket server by pr: key", Map.of("X-EVENT-KEY", "pr:opened"), Provider.BITBUCKET_SERVER),
                new Case("generic otherwise", Map.of("X-Caravan-Signature", "sha256=00"), Provider.GENERIC),
                new Case("blank event header ignored", Map.of("X-Gitea-Event", " ", "X-GitHub-Event", "push"), Provider.GITHUB));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void recognisesTheSendingProvider(Case c) {
        assertEquals(c.expected(), ProviderDetector.detect(c.headers()));
    }
}

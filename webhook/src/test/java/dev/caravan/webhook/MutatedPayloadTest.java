package dev.caravan.webhook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Seeded mutations of every corpus payload: the receiver answers each with a client status, never an exception. */
class MutatedPayloadTest {
    static final Set<Integer> CLIENT_STATUSES = Set.of(200, 202, 400, 401, 413);
    static final WebhookReceiver RECEIVER = new WebhookReceiver(
            urls -> List.of(new WebhookSource("any", "master", null), new WebhookSource("signed", "master", "s")),
            name -> { }, (name, pr) -> { }, 1000, 1000);

    record Delivery(String file, Map<String, String> headers) {
    }

    record Mutant(String name, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Delivery> DELIVERIES = List.of(
            new Delivery("github/push_payload.json", Map.of("X-GitHub-Event", "push")),
            new Delivery("github/pull_request_closed.json", Map.of("X-GitHub-Event", "pull_request")),
            new Delivery("github/ping_payload.json", Map.of("X-GitHub-Event", "ping")),
            new Delivery("gitea/push-event.json", Map.of("X-Gitea-Event", "push")),
            new Delivery("gitea/pull-request-event.json", Map.of("X-Forgejo-Event", "pull_request")),
            new Delivery("gitlab/push-event.json", Map.of("X-Gitlab-Event", "Push Hook")),
            new Delivery("gitlab/merge-request-event.json", Map.of("X-Gitlab-Event", "Merge Request Hook")),
            new Delivery("bitbucket/repo-push.json", Map.of("X-Event-Key", "repo:push", "X-Hook-UUID", "h")),
            new Delivery("bitbucket/pull-request-merged.json", Map.of("X-Event-Key", "pullrequest:fulfilled")),
            new Delivery("bitbucket-server/repo-refs-changed.json", Map.of("X-Event-Key", "repo:refs_changed")),
            new Delivery("bitbucket-server/pr-opened.json", Map.of("X-Event-Key", "pr:opened")));

    static Stream<Mutant> mutants() {
        SplittableRandom random = new SplittableRandom(20261124L);
        List<Mutant> mutants = new ArrayList<>();
        for (Delivery d : DELIVERIES) {
            byte[] body = Corpus.bytes(d.file());
            String text = new String(body, StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                int cut = random.nextInt(body.length);
                mutants.add(new Mutant(d.file() + " truncated at " + cut, d.headers(), java.util.Arrays.copyOf(body, cut)));
                byte[] flipped = body.clone();
                int at = random.nextInt(body.length);
                flipped[at] = (byte) random.nextInt(256);
                mutants.add(new Mutant(d.file() + " byte " + at + " changed", d.headers(), flipped));
            }
            for (String replacement : List.of("1", "null", "[]", "{}", "true", "\"\"", "[{}]", "-1")) {
                mutants.add(new Mutant(d.file() + " every string value " + replacement, d.headers(),
                        text.replaceAll(":\\s*\"[^\"]*\"", ":" + replacement).getBytes(StandardCharsets.UTF_8)));
                mutants.add(new Mutant(d.file() + " every object " + replacement, d.headers(),
                        text.replaceAll(":\\s*\\{", ":" + replacement + ",\"x\":{").getBytes(StandardCharsets.UTF_8)));
            }
        }
        mutants.add(new Mutant("deep nesting", Map.of("X-GitHub-Event", "push"),
                ("{\"ref\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8)));
        mutants.add(new Mutant("deep objects", Map.of("X-Gitlab-Event", "Push Hook"),
                ("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)).getBytes(StandardCharsets.UTF_8)));
        mutants.add(new Mutant("not UTF-8", Map.of("X-Event-Key", "pr:opened"), new byte[] {(byte) 0xff, (byte) 0xfe, '{'}));
        mutants.add(new Mutant("no headers", Map.of(), Corpus.bytes("github/push_payload.json")));
        return mutants.stream();
    }

    @ParameterizedTest
    @MethodSource("mutants")
    void answersEveryMutantWithAClientStatus(Mutant m) {
        WebhookResponse r = RECEIVER.handle(null, m.headers(), m.body());

        assertTrue(CLIENT_STATUSES.contains(r.status()), r.status() + " " + r.jsonBody());
    }

    @AfterAll
    static void stop() {
        RECEIVER.close();
    }
}

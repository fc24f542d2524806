package dev.caravan.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.webhook.SignatureVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SignatureVerifierTest {
    record KnownAnswer(String name, Provider provider, String header, String secret, byte[] body, String proof) {
        @Override
        public String toString() {
            return name;
        }

        Map<String, String> headers() {
            return Map.of(header, proof);
        }
    }

    static final String CORPUS_SECRET = "caravan-corpus-secret";
    static final String GITEA_SECRET = "IsWishesWereHorsesWedAllBeEatingSteak!";

    static Stream<KnownAnswer> knownAnswers() {
        return Stream.of(
                new KnownAnswer("github documented vector", Provider.GITHUB, "X-Hub-Signature-256", "It's a Secret to Everybody",
                        "Hello, World!".getBytes(StandardCharsets.UTF_8),
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                new KnownAnswer("gitea push", Provider.GITEA, "X-Gitea-Signature", GITEA_SECRET, Corpus.bytes("gitea/push-event.json"),
                        "60fe446c74fa0cb9474f98cc557db79e10c7aaf22cf324ad65239600b9e4d915"),
                new KnownAnswer("gitea pull request", Provider.GITEA, "X-Gitea-Signature", GITEA_SECRET, Corpus.bytes("gitea/pull-request-event.json"),
                        "65c18a212efc7bde0f336acaec87f596fe20e80b2a0e7e51a790dd38393ff771"),
                new KnownAnswer("forgejo push", Provider.FORGEJO, "X-Forgejo-Signature", GITEA_SECRET, Corpus.bytes("gitea/push-event.json"),
                        "60fe446c74fa0cb9474f98cc557db79e10c7aaf22cf324ad65239600b9e4d915"),
                new KnownAnswer("github push", Provider.GITHUB, "X-Hub-Signature-256", CORPUS_SECRET, Corpus.bytes("github/push_payload.json"),
                        "sha256=e82f19911b9f5816302ad5bb4033a4d6e98f02357d8ff51f87b0d92d345c26af"),
                new KnownAnswer("github pull request opened", Provider.GITHUB, "X-Hub-Signature-256", CORPUS_SECRET, Corpus.bytes("github/pull_request_opened.json"),
                        "sha256=7e3bcb36a69474784a3ff01d8cde687fa9d32244143a334a090735350e311293"),
                new KnownAnswer("github pull request synchronize", Provider.GITHUB, "X-Hub-Signature-256", CORPUS_SECRET, Corpus.bytes("github/pull_request_synchronize.json"),
                        "sha256=bbc285483c1da23a8a9f6cfefec1adbe38955a89c4abbba1c313e005348ba34e"),
                new KnownAnswer("github ping", Provider.GITHUB, "X-Hub-Signature-256", CORPUS_SECRET, Corpus.bytes("github/ping_payload.json"),
                        "sha256=c2f1bd86aeace2e4422710c790b7684f38e342374f05db7f00a919c3d32904e4"),
                new KnownAnswer("bitbucket with github's proof", Provider.BITBUCKET, "X-Hub-Signature", CORPUS_SECRET, Corpus.bytes("github/push_payload.json"),
                        "sha256=e82f19911b9f5816302ad5bb4033a4d6e98f02357d8ff51f87b0d92d345c26af"),
                new KnownAnswer("bitbucket server with github's proof", Provider.BITBUCKET_SERVER, "X-Hub-Signature", CORPUS_SECRET, Corpus.bytes("github/push_payload.json"),
                        "sha256=e82f19911b9f5816302ad5bb4033a4d6e98f02357d8ff51f87b0d92d345c26af"),
                new KnownAnswer("generic with github's proof", Provider.GENERIC, "X-Caravan-Signature", CORPUS_SECRET, Corpus.bytes("github/push_payload.json"),
                        "sha256=e82f19911b9f5816302ad5bb4033a4d6e98f02357d8ff51f87b0d92d345c26af"),
                new KnownAnswer("gitlab token", Provider.GITLAB, "X-Gitlab-Token", CORPUS_SECRET, Corpus.bytes("gitlab/push-event.json"),
                        CORPUS_SECRET));
    }

    @ParameterizedTest
    @MethodSource("knownAnswers")
    void acceptsTheKnownAnswerWithTheRightSecret(KnownAnswer k) {
        assertEquals(Verdict.VALID, SignatureVerifier.verify(k.provider(), k.headers(), k.body(), k.secret()));
    }

    @ParameterizedTest
    @MethodSource("knownAnswers")
    void rejectsTheKnownAnswerWithAWrongSecret(KnownAnswer k) {
        assertEquals(Verdict.INVALID, SignatureVerifier.verify(k.provider(), k.headers(), k.body(), k.secret() + "x"));
    }

    @ParameterizedTest
    @MethodSource("knownAnswers")
    void rejectsTheKnownAnswerWhenOneByteOfTheBodyChanges(KnownAnswer k) {
        byte[] changed = k.body().clone();
        changed[changed.length / 2] ^= 0x01;

        Verdict verdict = SignatureVerifier.verify(k.provider(), k.headers(), changed, k.secret());

        // GitLab's token does not cover the body: it only proves the sender knows the secret
        assertEquals(k.provider() == Provider.GITLAB ? Verdict.VALID : Verdict.INVALID, verdict);
    }

    @ParameterizedTest
    @MethodSource("knownAnswers")
    void reportsAMissingProof(KnownAnswer k) {
        assertEquals(Verdict.MISSING, SignatureVerifier.verify(k.provider(), Map.of(), k.body(), k.secret()));
    }

    @Test
    void acceptsUpperCaseHex() {
        Map<String, String> headers = Map.of("x-hub-signature-256",
                "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17");

        Verdict verdict = SignatureVerifier.verify(Provider.GITHUB, headers,
                "Hello, World!".getBytes(StandardCharsets.UTF_8), "It's a Secret to Everybody");

        assertEquals(Verdict.VALID, verdict);
    }

    @Test
    void rejectsAProofWithoutTheSha256Prefix() {
        Map<String, String> headers = Map.of("X-Hub-Signature-256",
                "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");

        Verdict verdict = SignatureVerifier.verify(Provider.GITHUB, headers,
                "Hello, World!".getBytes(StandardCharsets.UTF_8), "It's a Secret to Everybody");

        assertEquals(Verdict.INVALID, verdict);
    }
}

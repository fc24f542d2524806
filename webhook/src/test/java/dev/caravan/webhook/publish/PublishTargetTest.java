package dev.caravan.webhook.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caravan.webhook.Provider;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PublishTargetTest {

    record Case(Provider provider, String cloneUrl, String apiUrl, String expectedApi, String expectedRepository) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(Provider.GITHUB, "https://github.com/acme/jobs.git", null, "https://api.github.com", "acme/jobs"),
                new Case(Provider.GITHUB, "git@github.com:acme/jobs.git", null, "https://api.github.com", "acme/jobs"),
                new Case(Provider.GITHUB, "https://ghe.acme.io/ops/jobs", null, "https://ghe.acme.io/api/v3", "ops/jobs"),
                new Case(Provider.GITLAB, "https://gitlab.com/acme/platform/jobs.git", null, "https://gitlab.com/api/v4",
                        "acme/platform/jobs"),
                new Case(Provider.GITEA, "https://git.acme.io/ops/jobs.git", null, "https://git.acme.io/api/v1", "ops/jobs"),
                new Case(Provider.FORGEJO, "ssh://git@codeberg.org:22/ops/jobs.git", null, "https://codeberg.org/api/v1",
                        "ops/jobs"),
                new Case(Provider.BITBUCKET, "https://bitbucket.org/acme/jobs.git", null, "https://api.bitbucket.org/2.0",
                        "acme/jobs"),
                new Case(Provider.BITBUCKET_SERVER, "https://bb.acme.io/scm/ops/jobs.git", null, "https://bb.acme.io/rest",
                        "ops/jobs"),
                new Case(Provider.GITLAB, "https://gitlab.acme.io/ops/jobs.git", "https://gitlab.acme.io:8443/api/v4/",
                        "https://gitlab.acme.io:8443/api/v4", "ops/jobs"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void derivesTheApiRootAndRepositoryFromTheSourceUrl(Case c) {
        PublishTarget t = PublishTarget.of(c.provider(), c.cloneUrl(), c.apiUrl(), "tok");

        assertEquals(URI.create(c.expectedApi()), t.apiUrl());
        assertEquals(c.expectedRepository(), t.repository());
    }

    @Test
    void neverPrintsTheToken() {
        PublishTarget t = PublishTarget.of(Provider.GITHUB, "https://github.com/acme/jobs.git", null, "ghp_secret");

        assertFalse(t.toString().contains("ghp_secret"));
    }

    @Test
    void refusesTargetsItCannotPublishTo() {
        assertThrows(IllegalArgumentException.class,
                () -> new PublishTarget(Provider.GENERIC, URI.create("https://x"), "a/b", "t"));
        assertThrows(IllegalArgumentException.class,
                () -> new PublishTarget(Provider.GITHUB, URI.create("file:///etc"), "a/b", "t"));
        assertThrows(IllegalArgumentException.class,
                () -> new PublishTarget(Provider.GITHUB, URI.create("https://x"), "../b", "t"));
    }
}

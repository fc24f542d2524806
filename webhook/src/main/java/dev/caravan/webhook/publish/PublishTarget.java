package dev.caravan.webhook.publish;

import dev.caravan.webhook.CloneUrl;
import dev.caravan.webhook.Provider;
import java.net.URI;
import java.util.Objects;

/**
 * Where a source's previews go: the provider's REST API root, the repository as that API names
 * it ({@code owner/repo}, {@code group/subgroup/project}, {@code workspace/slug} or
 * {@code PROJECT/slug}) and the token. Everything here comes from the source's configuration,
 * never from a webhook payload.
 */
public record PublishTarget(Provider provider, URI apiUrl, String repository, String token) {
    public PublishTarget {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(token, "token");
        if (provider == Provider.GENERIC) {
            throw new IllegalArgumentException("the generic provider has no API to publish previews to");
        }
        String scheme = apiUrl.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException("api_url must be an http or https URL: " + apiUrl);
        }
        if (repository.isBlank() || !repository.contains("/") || repository.contains("..")) {
            throw new IllegalArgumentException("repository must look like owner/name: " + repository);
        }
        String s = apiUrl.toString();
        apiUrl = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /**
     * The target for a source fetched from {@code cloneUrl}: the repository is the URL's path,
     * the API root is {@code apiUrl} when given, else the provider's public default (GitHub,
     * GitLab.com, Bitbucket Cloud) or the one a self-hosted server answers at on the URL's host
     * (Gitea, Forgejo, Bitbucket Server; GitHub Enterprise and self-hosted GitLab as well).
     */
    public static PublishTarget of(Provider provider, String cloneUrl, String apiUrl, String token) {
        String normalised = CloneUrl.normalise(cloneUrl);
        int slash = normalised.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("cannot tell the repository from URL " + cloneUrl);
        }
        String host = normalised.substring(0, slash);
        String repository = normalised.substring(slash + 1);
        if (provider == Provider.BITBUCKET_SERVER && repository.startsWith("scm/")) {
            repository = repository.substring("scm/".length());
        }
        URI api = apiUrl != null && !apiUrl.isBlank() ? URI.create(apiUrl) : defaultApi(provider, host);
        return new PublishTarget(provider, api, repository, token);
    }

    private static URI defaultApi(Provider provider, String host) {
        return URI.create(switch (provider) {
            case GITHUB -> host.equals("github.com") ? "https://api.github.com" : "https://" + host + "/api/v3";
            case GITLAB -> "https://" + host + "/api/v4";
            case GITEA, FORGEJO -> "https://" + host + "/api/v1";
            case BITBUCKET -> "https://api.bitbucket.org/2.0";
            case BITBUCKET_SERVER -> "https://" + host + "/rest";
            case GENERIC -> throw new IllegalArgumentException("the generic provider has no API");
        });
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "PublishTarget[" + provider.pathName() + " " + apiUrl + " " + repository + "]";
    }
}

package dev.caravan.webhook.publish;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GitHub's REST API, and Gitea's and Forgejo's, which copy its paths for issue comments and
 * commit statuses: {@code /repos/{owner}/{repo}/issues/{n}/comments},
 * {@code /repos/{owner}/{repo}/issues/comments/{id}}, {@code /repos/{owner}/{repo}/statuses/{sha}}.
 * Only the auth header, the page-size parameter and the comment limit differ.
 */
final class GitHubApi implements ReviewApi {
    static final String CONTEXT = "caravan/plan";
    private static final int PAGE = 100;

    private final RestClient rest;
    private final String repo;
    private final boolean gitea;

    private GitHubApi(RestClient rest, String repository, boolean gitea) {
        this.rest = rest;
        int slash = repository.indexOf('/');
        this.repo = "/repos/" + RestClient.segment(repository.substring(0, slash)) + "/"
                + RestClient.segment(repository.substring(slash + 1));
        this.gitea = gitea;
    }

    static GitHubApi github(HttpClient http, PublishTarget t) {
        return new GitHubApi(new RestClient(http, t.apiUrl(), Map.of(
                "Authorization", "Bearer " + t.token(),
                "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", "2022-11-28")), t.repository(), false);
    }

    static GitHubApi gitea(HttpClient http, PublishTarget t) {
        return new GitHubApi(new RestClient(http, t.apiUrl(), Map.of(
                "Authorization", "token " + t.token())), t.repository(), true);
    }

    @Override
    public int maxCommentLength() {
        return gitea ? 65_000 : 65_536;
    }

    @Override
    public List<Comment> comments(long number) throws PublishException {
        List<Comment> out = new ArrayList<>();
        for (int page = 1; page <= 50; page++) {
            String size = gitea ? "limit=" + PAGE : "per_page=" + PAGE;
            JsonNode list = rest.get(repo + "/issues/" + number + "/comments?" + size + "&page=" + page);
            for (JsonNode c : list) {
                out.add(new Comment(c.path("id").asText(), c.path("body").asText(""), 0));
            }
            if (list.size() < PAGE) {
                break;
            }
        }
        return out;
    }

    @Override
    public void create(long number, String body) throws PublishException {
        rest.post(repo + "/issues/" + number + "/comments", Map.of("body", body));
    }

    @Override
    public void edit(long number, Comment comment, String body) throws PublishException {
        rest.patch(repo + "/issues/comments/" + RestClient.segment(comment.id()), Map.of("body", body));
    }

    @Override
    public void delete(long number, Comment comment) throws PublishException {
        rest.delete(repo + "/issues/comments/" + RestClient.segment(comment.id()));
    }

    @Override
    public void status(String sha, CommitState state, String description, String targetUrl)
            throws PublishException {
        Map<String, String> body = new java.util.LinkedHashMap<>();
        body.put("state", state.name().toLowerCase(Locale.ROOT));
        body.put("context", CONTEXT);
        body.put("description", Descriptions.clip(description, 140));
        if (targetUrl != null) {
            body.put("target_url", targetUrl);
        }
        rest.post(repo + "/statuses/" + sha, body);
    }
}

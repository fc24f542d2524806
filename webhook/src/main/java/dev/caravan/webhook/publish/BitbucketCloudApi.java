package dev.caravan.webhook.publish;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bitbucket Cloud's REST API 2.0: pull request comments
 * ({@code /repositories/{workspace}/{slug}/pullrequests/{id}/comments}, body {@code content.raw})
 * and build statuses ({@code POST /repositories/{workspace}/{slug}/commit/{sha}/statuses/build}).
 */
final class BitbucketCloudApi implements ReviewApi {
    private final RestClient rest;
    private final String repo;

    BitbucketCloudApi(HttpClient http, PublishTarget t) {
        this.rest = new RestClient(http, t.apiUrl(), Map.of("Authorization", "Bearer " + t.token()));
        int slash = t.repository().indexOf('/');
        this.repo = "/repositories/" + RestClient.segment(t.repository().substring(0, slash)) + "/"
                + RestClient.segment(t.repository().substring(slash + 1));
    }

    @Override
    public int maxCommentLength() {
        return 32_000;
    }

    @Override
    public List<Comment> comments(long number) throws PublishException {
        List<Comment> out = new ArrayList<>();
        JsonNode first = rest.get(commentsPath(number) + "?pagelen=100");
        collect(first, out);
        JsonNode current = first;
        for (int page = 2; current.hasNonNull("next") && page <= 50; page++) {
            current = rest.get(commentsPath(number) + "?pagelen=100&page=" + page);
            collect(current, out);
        }
        return out;
    }

    private static void collect(JsonNode page, List<Comment> out) {
        for (JsonNode c : page.path("values")) {
            if (!c.path("deleted").asBoolean(false)) {
                out.add(new Comment(c.path("id").asText(), c.path("content").path("raw").asText(""), 0));
            }
        }
    }

    @Override
    public void create(long number, String body) throws PublishException {
        rest.post(commentsPath(number), Map.of("content", Map.of("raw", body)));
    }

    @Override
    public void edit(long number, Comment comment, String body) throws PublishException {
        rest.put(commentsPath(number) + "/" + RestClient.segment(comment.id()), Map.of("content", Map.of("raw", body)));
    }

    @Override
    public void delete(long number, Comment comment) throws PublishException {
        rest.delete(commentsPath(number) + "/" + RestClient.segment(comment.id()));
    }

    @Override
    public void status(String sha, CommitState state, String description, String targetUrl)
            throws PublishException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("key", GitHubApi.CONTEXT);
        body.put("name", GitHubApi.CONTEXT);
        body.put("state", switch (state) {
            case PENDING -> "INPROGRESS";
            case SUCCESS -> "SUCCESSFUL";
            case FAILURE, ERROR -> "FAILED";
        });
        body.put("description", Descriptions.clip(description, 255));
        // Bitbucket requires a URL for every build status.
        body.put("url", targetUrl != null ? targetUrl : "https://bitbucket.org/" + repo.substring("/repositories/".length()));
        rest.post(repo + "/commit/" + sha + "/statuses/build", body);
    }

    private String commentsPath(long number) {
        return repo + "/pullrequests/" + number + "/comments";
    }
}

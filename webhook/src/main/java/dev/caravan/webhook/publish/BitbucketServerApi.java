package dev.caravan.webhook.publish;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bitbucket Server / Data Center: comments through {@code /api/1.0/projects/{key}/repos/{slug}/
 * pull-requests/{id}/comments} (listed from the request's activities; edits and deletes carry
 * the comment's version) and build statuses through {@code /build-status/1.0/commits/{sha}}. The
 * API root is the server's {@code /rest}.
 */
final class BitbucketServerApi implements ReviewApi {
    private final RestClient rest;
    private final String repo;

    BitbucketServerApi(HttpClient http, PublishTarget t) {
        this.rest = new RestClient(http, t.apiUrl(), Map.of("Authorization", "Bearer " + t.token()));
        int slash = t.repository().indexOf('/');
        this.repo = "/api/1.0/projects/" + RestClient.segment(t.repository().substring(0, slash)) + "/repos/"
                + RestClient.segment(t.repository().substring(slash + 1));
    }

    @Override
    public int maxCommentLength() {
        return 32_000;
    }

    @Override
    public List<Comment> comments(long number) throws PublishException {
        Map<String, Comment> byId = new LinkedHashMap<>();
        long start = 0;
        for (int page = 0; page < 50; page++) {
            JsonNode r = rest.get(pullRequest(number) + "/activities?limit=100&start=" + start);
            for (JsonNode a : r.path("values")) {
                JsonNode c = a.path("comment");
                if ("COMMENTED".equals(a.path("action").asText()) && c.isObject()
                        && !"DELETED".equals(a.path("commentAction").asText())) {
                    String id = c.path("id").asText();
                    byId.putIfAbsent(id, new Comment(id, c.path("text").asText(""), c.path("version").asLong()));
                }
            }
            if (r.path("isLastPage").asBoolean(true) || !r.hasNonNull("nextPageStart")) {
                break;
            }
            start = r.path("nextPageStart").asLong();
        }
        return new ArrayList<>(byId.values());
    }

    @Override
    public void create(long number, String body) throws PublishException {
        rest.post(pullRequest(number) + "/comments", Map.of("text", body));
    }

    @Override
    public void edit(long number, Comment comment, String body) throws PublishException {
        rest.put(pullRequest(number) + "/comments/" + RestClient.segment(comment.id()),
                Map.of("text", body, "version", comment.version()));
    }

    @Override
    public void delete(long number, Comment comment) throws PublishException {
        rest.delete(pullRequest(number) + "/comments/" + RestClient.segment(comment.id())
                + "?version=" + comment.version());
    }

    @Override
    public void status(String sha, CommitState state, String description, String targetUrl)
            throws PublishException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("state", switch (state) {
            case PENDING -> "INPROGRESS";
            case SUCCESS -> "SUCCESSFUL";
            case FAILURE, ERROR -> "FAILED";
        });
        body.put("key", GitHubApi.CONTEXT);
        body.put("name", GitHubApi.CONTEXT);
        body.put("description", Descriptions.clip(description, 255));
        body.put("url", targetUrl != null ? targetUrl : "about:blank");
        rest.post("/build-status/1.0/commits/" + sha, body);
    }

    private String pullRequest(long number) {
        return repo + "/pull-requests/" + number;
    }
}

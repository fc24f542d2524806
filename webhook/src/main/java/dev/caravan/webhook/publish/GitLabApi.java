package dev.caravan.webhook.publish;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitLab's REST API v4: merge request notes ({@code /projects/:id/merge_requests/:iid/notes}) and
 * commit statuses ({@code POST /projects/:id/statuses/:sha}); the project id is the URL-encoded
 * path, the token goes in {@code PRIVATE-TOKEN}.
 */
final class GitLabApi implements ReviewApi {
    private static final int PAGE = 100;

    private final RestClient rest;
    private final String project;

    GitLabApi(HttpClient http, PublishTarget t) {
        this.rest = new RestClient(http, t.apiUrl(), Map.of("PRIVATE-TOKEN", t.token()));
        this.project = "/projects/" + RestClient.segment(t.repository());
    }

    @Override
    public int maxCommentLength() {
        return 1_000_000;
    }

    @Override
    public List<Comment> comments(long number) throws PublishException {
        List<Comment> out = new ArrayList<>();
        for (int page = 1; page <= 50; page++) {
            JsonNode list = rest.get(notes(number) + "?per_page=" + PAGE + "&page=" + page);
            for (JsonNode n : list) {
                if (!n.path("system").asBoolean(false)) {
                    out.add(new Comment(n.path("id").asText(), n.path("body").asText(""), 0));
                }
            }
            if (list.size() < PAGE) {
                break;
            }
        }
        return out;
    }

    @Override
    public void create(long number, String body) throws PublishException {
        rest.post(notes(number), Map.of("body", body));
    }

    @Override
    public void edit(long number, Comment comment, String body) throws PublishException {
        rest.put(notes(number) + "/" + RestClient.segment(comment.id()), Map.of("body", body));
    }

    @Override
    public void delete(long number, Comment comment) throws PublishException {
        rest.delete(notes(number) + "/" + RestClient.segment(comment.id()));
    }

    @Override
    public void status(String sha, CommitState state, String description, String targetUrl)
            throws PublishException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("state", switch (state) {
            case PENDING -> "running";
            case SUCCESS -> "success";
            case FAILURE, ERROR -> "failed";
        });
        body.put("name", GitHubApi.CONTEXT);
        body.put("description", Descriptions.clip(description, 255));
        if (targetUrl != null) {
            body.put("target_url", targetUrl);
        }
        rest.post(project + "/statuses/" + sha, body);
    }

    private String notes(long number) {
        return project + "/merge_requests/" + number + "/notes";
    }
}

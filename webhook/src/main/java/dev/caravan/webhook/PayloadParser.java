package dev.caravan.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.webhook.WebhookEvent.Ping;
import dev.caravan.webhook.WebhookEvent.PullRequest;
import dev.caravan.webhook.WebhookEvent.Push;
import dev.caravan.webhook.WebhookEvent.Unsupported;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a provider's delivery into a {@link WebhookEvent}. Pure: no I/O beyond reading the bytes.
 * Every malformed payload yields a {@link WebhookException} with status 400 naming what is wrong.
 */
public final class PayloadParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZERO_SHA = "0000000000000000000000000000000000000000";

    private PayloadParser() {
    }

    /** Parses {@code body} as the event the headers declare for {@code provider}. */
    public static WebhookEvent parse(Provider provider, Map<String, String> headers, byte[] body)
            throws WebhookException {
        String event = ProviderDetector.eventName(provider, headers);
        if (event == null) {
            throw new WebhookException(400, "missing header " + ProviderDetector.eventHeader(provider));
        }
        String delivery = ProviderDetector.deliveryId(provider, headers);
        JsonNode root = read(body);
        return switch (provider) {
            case GITHUB, GITEA, FORGEJO, GENERIC -> githubLike(provider, event, delivery, root);
            case GITLAB -> gitlab(event, delivery, root);
            case BITBUCKET -> bitbucket(event, delivery, root);
            case BITBUCKET_SERVER -> bitbucketServer(event, delivery, root);
        };
    }

    private static JsonNode read(byte[] body) throws WebhookException {
        if (body == null || body.length == 0) {
            throw new WebhookException(400, "body is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new WebhookException(400, "body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new WebhookException(400, "body is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WebhookException(400, "body is not a JSON object");
        }
        return root;
    }

    // GitHub, Gitea and Forgejo share one payload shape; the generic hook uses it too.
    private static WebhookEvent githubLike(Provider provider, String event, String delivery, JsonNode root)
            throws WebhookException {
        switch (event) {
            case "push" -> {
                Fields f = new Fields("push", root);
                String ref = f.text("ref");
                String after = f.text("after");
                List<String> urls = f.urls("repository.clone_url", "repository.ssh_url", "repository.git_url",
                        "repository.html_url", "repository.url");
                return new Push(provider, delivery, urls, ref, branchOf(ref), after);
            }
            case "pull_request" -> {
                Fields f = new Fields("pull_request", root);
                long number = f.number("number");
                String action = f.text("action");
                boolean merged = f.optionalBoolean("pull_request.merged");
                String normalised = switch (action) {
                    case "synchronized" -> "synchronize";
                    case "closed" -> merged ? "merged" : "closed";
                    default -> action;
                };
                String headSha = f.text("pull_request.head.sha");
                String base = f.text("pull_request.base.ref");
                List<String> urls = f.urls("repository.clone_url", "repository.ssh_url", "repository.git_url",
                        "repository.html_url", "repository.url");
                return new PullRequest(provider, delivery, urls, number, normalised,
                        "refs/pull/" + number + "/head", headSha, base);
            }
            case "ping" -> {
                return new Ping(provider, delivery);
            }
            default -> {
                return new Unsupported(provider, event);
            }
        }
    }

    private static WebhookEvent gitlab(String event, String delivery, JsonNode root) throws WebhookException {
        switch (event) {
            case "Push Hook", "Tag Push Hook" -> {
                Fields f = new Fields("push", root);
                String ref = f.text("ref");
                String after = f.text("after");
                List<String> urls = f.urls("project.git_http_url", "project.git_ssh_url", "project.http_url",
                        "project.ssh_url", "project.web_url", "project.url", "repository.git_http_url",
                        "repository.git_ssh_url", "repository.url", "repository.homepage");
                return new Push(Provider.GITLAB, delivery, urls, ref, branchOf(ref), after);
            }
            case "Merge Request Hook" -> {
                Fields f = new Fields("merge request", root);
                long iid = f.number("object_attributes.iid");
                String action = f.optionalText("object_attributes.action");
                String normalised = action == null ? "opened" : switch (action) {
                    case "open" -> "opened";
                    case "update" -> "synchronize";
                    case "reopen" -> "reopened";
                    case "close" -> "closed";
                    case "merge" -> "merged";
                    default -> action;
                };
                String headSha = f.text("object_attributes.last_commit.id");
                String base = f.text("object_attributes.target_branch");
                List<String> urls = f.urls("object_attributes.target.git_http_url",
                        "object_attributes.target.git_ssh_url", "object_attributes.target.http_url",
                        "object_attributes.target.ssh_url", "object_attributes.target.web_url",
                        "project.git_http_url", "project.git_ssh_url", "project.web_url");
                return new PullRequest(Provider.GITLAB, delivery, urls, iid, normalised,
                        "refs/merge-requests/" + iid + "/head", headSha, base);
            }
            default -> {
                return new Unsupported(Provider.GITLAB, event);
            }
        }
    }

    private static WebhookEvent bitbucket(String event, String delivery, JsonNode root) throws WebhookException {
        if (event.equals("repo:push")) {
            Fields f = new Fields("push", root);
            JsonNode change = f.firstElement("push.changes");
            Fields c = new Fields("push", change, "push.changes[0].");
            boolean created = c.isObject("new");
            String side = created ? "new" : "old";
            String type = c.text(side + ".type");
            String name = c.text(side + ".name");
            String ref = (type.equals("tag") ? "refs/tags/" : "refs/heads/") + name;
            String after = created ? c.text("new.target.hash") : ZERO_SHA;
            List<String> urls = bitbucketUrls(f, "repository");
            return new Push(Provider.BITBUCKET, delivery, urls, ref, branchOf(ref), after);
        }
        if (event.startsWith("pullrequest:")) {
            String action = switch (event) {
                case "pullrequest:created" -> "opened";
                case "pullrequest:updated" -> "synchronize";
                case "pullrequest:fulfilled" -> "merged";
                case "pullrequest:rejected" -> "closed";
                default -> null;
            };
            if (action == null) {
                return new Unsupported(Provider.BITBUCKET, event);
            }
            Fields f = new Fields("pull request", root);
            long id = f.number("pullrequest.id");
            String source = f.text("pullrequest.source.branch.name");
            String headSha = f.text("pullrequest.source.commit.hash");
            String base = f.text("pullrequest.destination.branch.name");
            List<String> urls = bitbucketUrls(f, "repository");
            return new PullRequest(Provider.BITBUCKET, delivery, urls, id, action, "refs/heads/" + source, headSha, base);
        }
        return new Unsupported(Provider.BITBUCKET, event);
    }

    private static List<String> bitbucketUrls(Fields f, String repository) throws WebhookException {
        List<String> urls = new ArrayList<>(f.urls(repository + ".links.html.href"));
        String fullName = f.optionalText(repository + ".full_name");
        if (fullName != null) {
            urls.add("https://bitbucket.org/" + fullName + ".git");
            urls.add("git@bitbucket.org:" + fullName + ".git");
        }
        if (urls.isEmpty()) {
            throw new WebhookException(400, f.what + " payload: missing field " + repository + ".full_name");
        }
        return List.copyOf(urls);
    }

    private static WebhookEvent bitbucketServer(String event, String delivery, JsonNode root) throws WebhookException {
        if (event.equals("diagnostics:ping")) {
            return new Ping(Provider.BITBUCKET_SERVER, delivery);
        }
        if (event.equals("repo:refs_changed")) {
            Fields f = new Fields("push", root);
            JsonNode change = f.firstElement("changes");
            Fields c = new Fields("push", change, "changes[0].");
            String ref = c.text("refId");
            String after = c.text("toHash");
            List<String> urls = f.hrefs("repository.links.clone");
            return new Push(Provider.BITBUCKET_SERVER, delivery, urls, ref, branchOf(ref), after);
        }
        if (event.startsWith("pr:")) {
            String action = switch (event) {
                case "pr:opened" -> "opened";
                case "pr:from_ref_updated" -> "synchronize";
                case "pr:merged" -> "merged";
                case "pr:declined", "pr:deleted" -> "closed";
                default -> null;
            };
            if (action == null) {
                return new Unsupported(Provider.BITBUCKET_SERVER, event);
            }
            Fields f = new Fields("pull request", root);
            long id = f.number("pullRequest.id");
            String headRef = f.text("pullRequest.fromRef.id");
            String headSha = f.text("pullRequest.fromRef.latestCommit");
            String baseRef = f.text("pullRequest.toRef.id");
            List<String> urls = f.hrefs("pullRequest.toRef.repository.links.clone");
            String base = baseRef.startsWith("refs/heads/") ? baseRef.substring("refs/heads/".length()) : baseRef;
            return new PullRequest(Provider.BITBUCKET_SERVER, delivery, urls, id, action, headRef, headSha, base);
        }
        return new Unsupported(Provider.BITBUCKET_SERVER, event);
    }

    private static String branchOf(String ref) {
        return ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : null;
    }

    /** Typed access to dotted paths, with messages that name the payload and the field. */
    private static final class Fields {
        final String what;
        private final JsonNode root;
        private final String prefix;

        Fields(String what, JsonNode root) {
            this(what, root, "");
        }

        Fields(String what, JsonNode root, String prefix) {
            this.what = what;
            this.root = root;
            this.prefix = prefix;
        }

        private JsonNode at(String path) {
            JsonNode node = root;
            for (String part : path.split("\\.")) {
                if (node == null || !node.isObject()) {
                    return null;
                }
                node = node.get(part);
            }
            return node == null || node.isNull() ? null : node;
        }

        private WebhookException missing(String path) {
            return new WebhookException(400, what + " payload: missing field " + prefix + path);
        }

        private WebhookException wrongType(String path, String type) {
            return new WebhookException(400, what + " payload: field " + prefix + path + " is not " + type);
        }

        String text(String path) throws WebhookException {
            String v = optionalText(path);
            if (v == null || v.isEmpty()) {
                throw missing(path);
            }
            return v;
        }

        String optionalText(String path) throws WebhookException {
            JsonNode n = at(path);
            if (n == null) {
                return null;
            }
            if (!n.isTextual()) {
                throw wrongType(path, "a string");
            }
            return n.asText();
        }

        long number(String path) throws WebhookException {
            JsonNode n = at(path);
            if (n == null) {
                throw missing(path);
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() <= 0) {
                throw wrongType(path, "a positive integer");
            }
            return n.asLong();
        }

        boolean optionalBoolean(String path) throws WebhookException {
            JsonNode n = at(path);
            if (n == null) {
                return false;
            }
            if (!n.isBoolean()) {
                throw wrongType(path, "a boolean");
            }
            return n.asBoolean();
        }

        boolean isObject(String path) {
            JsonNode n = at(path);
            return n != null && n.isObject();
        }

        JsonNode firstElement(String path) throws WebhookException {
            JsonNode n = at(path);
            if (n == null) {
                throw missing(path);
            }
            if (!n.isArray()) {
                throw wrongType(path, "an array");
            }
            if (n.isEmpty()) {
                throw missing(path + "[0]");
            }
            if (!n.get(0).isObject()) {
                throw wrongType(path + "[0]", "an object");
            }
            return n.get(0);
        }

        /** The URLs at the given paths, in order, without repeats; the first path is required. */
        List<String> urls(String required, String... optional) throws WebhookException {
            Set<String> urls = new LinkedHashSet<>();
            urls.add(text(required));
            for (String path : optional) {
                String v = optionalText(path);
                if (v != null && !v.isEmpty()) {
                    urls.add(v);
                }
            }
            return List.copyOf(urls);
        }

        /** The {@code href} of every element of a Bitbucket Server links array; at least one. */
        List<String> hrefs(String path) throws WebhookException {
            JsonNode n = at(path);
            if (n == null) {
                throw missing(path);
            }
            if (!n.isArray()) {
                throw wrongType(path, "an array");
            }
            Set<String> urls = new LinkedHashSet<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode href = n.get(i).get("href");
                if (href == null || !href.isTextual()) {
                    throw wrongType(path + "[" + i + "].href", "a string");
                }
                urls.add(href.asText());
            }
            if (urls.isEmpty()) {
                throw missing(path + "[0].href");
            }
            return List.copyOf(urls);
        }
    }
}

package dev.caravan.webhook.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravan.webhook.Provider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider's REST API played on 127.0.0.1: it keeps the comments of pull request 7 and the
 * statuses it was sent, answers only the documented paths, methods and auth header of its
 * provider (404 / 401 otherwise) and records every request.
 */
final class FakeProvider implements AutoCloseable {
    static final String TOKEN = "s3cret-token";
    static final long PR = 7;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON: " + body, e);
            }
        }
    }

    record StoredComment(long id, String body, long version) {
    }

    private final Provider provider;
    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<Long, StoredComment> comments = new TreeMap<>();
    final List<JsonNode> statuses = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger(100);
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile int failureStatus = 502;
    volatile CountDownLatch gate;

    FakeProvider(Provider provider) throws IOException {
        this.provider = provider;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI apiUrl() {
        String root = "http://127.0.0.1:" + server.getAddress().getPort();
        return URI.create(root + switch (provider) {
            case GITHUB -> "";
            case GITEA, FORGEJO -> "/api/v1";
            case GITLAB -> "/api/v4";
            case BITBUCKET -> "/2.0";
            case BITBUCKET_SERVER -> "/rest";
            case GENERIC -> throw new IllegalArgumentException();
        });
    }

    String repository() {
        return switch (provider) {
            case GITLAB -> "group/sub/project";
            case BITBUCKET_SERVER -> "PRJ/repo";
            default -> "owner/repo";
        };
    }

    PublishTarget target() {
        return new PublishTarget(provider, apiUrl(), repository(), TOKEN);
    }

    /** A comment someone else wrote. */
    synchronized void addForeignComment(String body) {
        long id = nextId.getAndIncrement();
        comments.put(id, new StoredComment(id, body, 0));
    }

    synchronized List<StoredComment> commentList() {
        return new ArrayList<>(comments.values());
    }

    List<Request> writes() {
        return requests.stream().filter(r -> !r.method().equals("GET")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getRawPath();
            requests.add(new Request(ex.getRequestMethod(), path, body));
            CountDownLatch g = gate;
            if (g != null) {
                g.await(10, TimeUnit.SECONDS);
            }
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(ex, failureStatus, "{\"message\":\"try later\"}");
                return;
            }
            if (!authorised(ex)) {
                reply(ex, 401, "{\"message\":\"bad credentials\"}");
                return;
            }
            String[] answer = route(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), body);
            reply(ex, Integer.parseInt(answer[0]), answer[1]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean authorised(HttpExchange ex) {
        return switch (provider) {
            case GITHUB, BITBUCKET, BITBUCKET_SERVER -> ("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
            case GITEA, FORGEJO -> ("token " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
            case GITLAB -> TOKEN.equals(ex.getRequestHeaders().getFirst("PRIVATE-TOKEN"));
            case GENERIC -> false;
        };
    }

    private synchronized String[] route(String method, String path, String query, String body) throws IOException {
        Matcher m;
        switch (provider) {
            case GITHUB, GITEA, FORGEJO -> {
                String p = provider == Provider.GITHUB ? path : strip(path, "/api/v1");
                if ((m = match("/repos/owner/repo/issues/(\\d+)/comments", p)) != null) {
                    return listOrCreate(method, m, body, "body", c -> JSON.createObjectNode()
                            .put("id", c.id()).put("body", c.body()));
                }
                if ((m = match("/repos/owner/repo/issues/comments/(\\d+)", p)) != null) {
                    return editOrDelete(method, Long.parseLong(m.group(1)), "PATCH",
                            body.isEmpty() ? null : text(body, "body"), null);
                }
                if ((m = match("/repos/owner/repo/statuses/([0-9a-f]+)", p)) != null && method.equals("POST")) {
                    return status(m.group(1), body);
                }
            }
            case GITLAB -> {
                String p = strip(path, "/api/v4");
                if ((m = match("/projects/group%2Fsub%2Fproject/merge_requests/(\\d+)/notes", p)) != null) {
                    return listOrCreate(method, m, body, "body", c -> JSON.createObjectNode()
                            .put("id", c.id()).put("body", c.body()).put("system", false));
                }
                if ((m = match("/projects/group%2Fsub%2Fproject/merge_requests/(\\d+)/notes/(\\d+)", p)) != null) {
                    return editOrDelete(method, Long.parseLong(m.group(2)), "PUT",
                            body.isEmpty() ? null : text(body, "body"), null);
                }
                if ((m = match("/projects/group%2Fsub%2Fproject/statuses/([0-9a-f]+)", p)) != null && method.equals("POST")) {
                    return status(m.group(1), body);
                }
            }
            case BITBUCKET -> {
                String p = strip(path, "/2.0");
                if ((m = match("/repositories/owner/repo/pullrequests/(\\d+)/comments", p)) != null) {
                    if (method.equals("POST")) {
                        return create(m, JSON.readTree(body).path("content").path("raw").asText(null));
                    }
                    if (method.equals("GET")) {
                        ArrayNode values = JSON.createArrayNode();
                        comments.values().forEach(c -> values.add(JSON.createObjectNode().put("id", c.id())
                                .set("content", JSON.createObjectNode().put("raw", c.body()))));
                        ObjectNode page = JSON.createObjectNode();
                        page.set("values", values);
                        return ok(page.toString());
                    }
                }
                if ((m = match("/repositories/owner/repo/pullrequests/(\\d+)/comments/(\\d+)", p)) != null) {
                    String raw = body == null || body.isEmpty() ? null : JSON.readTree(body).path("content").path("raw").asText(null);
                    return editOrDelete(method, Long.parseLong(m.group(2)), "PUT", raw, null);
                }
                if ((m = match("/repositories/owner/repo/commit/([0-9a-f]+)/statuses/build", p)) != null && method.equals("POST")) {
                    return status(m.group(1), body);
                }
            }
            case BITBUCKET_SERVER -> {
                String p = strip(path, "/rest");
                if ((m = match("/api/1.0/projects/PRJ/repos/repo/pull-requests/(\\d+)/activities", p)) != null && method.equals("GET")) {
                    ArrayNode values = JSON.createArrayNode();
                    comments.values().forEach(c -> {
                        ObjectNode a = JSON.createObjectNode().put("action", "COMMENTED").put("commentAction", "ADDED");
                        a.set("comment", JSON.createObjectNode().put("id", c.id()).put("text", c.body()).put("version", c.version()));
                        values.add(a);
                    });
                    ObjectNode page = JSON.createObjectNode().put("isLastPage", true);
                    page.set("values", values);
                    return ok(page.toString());
                }
                if ((m = match("/api/1.0/projects/PRJ/repos/repo/pull-requests/(\\d+)/comments", p)) != null && method.equals("POST")) {
                    return create(m, text(body, "text"));
                }
                if ((m = match("/api/1.0/projects/PRJ/repos/repo/pull-requests/(\\d+)/comments/(\\d+)", p)) != null) {
                    long id = Long.parseLong(m.group(2));
                    Long version = method.equals("DELETE") ? versionParam(query)
                            : JSON.readTree(body).has("version") ? JSON.readTree(body).path("version").asLong() : null;
                    if (version == null) {
                        return new String[] {"400", "{\"message\":\"version is required\"}"};
                    }
                    return editOrDelete(method, id, "PUT", method.equals("PUT") ? text(body, "text") : null, version);
                }
                if ((m = match("/build-status/1.0/commits/([0-9a-f]+)", p)) != null && method.equals("POST")) {
                    return status(m.group(1), body);
                }
            }
            default -> {
            }
        }
        return new String[] {"404", "{\"message\":\"no route " + method + " " + path + "\"}"};
    }

    private String[] listOrCreate(String method, Matcher m, String body, String field,
                                  java.util.function.Function<StoredComment, ObjectNode> render)
            throws IOException {
        if (Long.parseLong(m.group(1)) != PR) {
            return new String[] {"404", "{}"};
        }
        if (method.equals("GET")) {
            ArrayNode list = JSON.createArrayNode();
            comments.values().forEach(c -> list.add(render.apply(c)));
            return ok(list.toString());
        }
        if (method.equals("POST")) {
            return create(m, text(body, field));
        }
        return new String[] {"405", "{}"};
    }

    private String[] create(Matcher m, String text) {
        if (Long.parseLong(m.group(1)) != PR || text == null) {
            return new String[] {"422", "{\"message\":\"missing body\"}"};
        }
        long id = nextId.getAndIncrement();
        comments.put(id, new StoredComment(id, text, 0));
        return new String[] {"201", "{\"id\":" + id + "}"};
    }

    private String[] editOrDelete(String method, long id, String editMethod, String text, Long version) {
        StoredComment c = comments.get(id);
        if (c == null) {
            return new String[] {"404", "{}"};
        }
        if (version != null && version != c.version()) {
            return new String[] {"409", "{\"message\":\"stale version\"}"};
        }
        if (method.equals("DELETE")) {
            comments.remove(id);
            return new String[] {"204", ""};
        }
        if (method.equals(editMethod) && text != null) {
            comments.put(id, new StoredComment(id, text, c.version() + 1));
            return ok("{\"id\":" + id + "}");
        }
        return new String[] {"405", "{}"};
    }

    private String[] status(String sha, String body) throws IOException {
        ObjectNode s = (ObjectNode) JSON.readTree(body);
        s.put("sha", sha);
        statuses.add(s);
        return new String[] {"201", "{}"};
    }

    private static Long versionParam(String query) {
        if (query == null) {
            return null;
        }
        for (String kv : query.split("&")) {
            if (kv.startsWith("version=")) {
                return Long.parseLong(kv.substring("version=".length()));
            }
        }
        return null;
    }

    private static String text(String body, String field) throws IOException {
        JsonNode n = JSON.readTree(body).path(field);
        return n.isTextual() ? n.asText() : null;
    }

    private static String[] ok(String body) {
        return new String[] {"200", body};
    }

    private static String strip(String path, String prefix) {
        return path.startsWith(prefix) ? path.substring(prefix.length()) : "/unrouted" + path;
    }

    private static Matcher match(String regex, String path) {
        Matcher m = Pattern.compile(regex).matcher(path);
        return m.matches() ? m : null;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 204 || bytes.length == 0) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
        server.stop(0);
    }
}

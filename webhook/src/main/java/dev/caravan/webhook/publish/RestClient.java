package dev.caravan.webhook.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** JSON over HTTP against one provider API root, with fixed auth headers. */
final class RestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http;
    private final URI root;
    private final Map<String, String> headers;

    RestClient(HttpClient http, URI root, Map<String, String> headers) {
        this.http = http;
        this.root = root;
        this.headers = Map.copyOf(headers);
    }

    /** A path segment, percent-encoded (so {@code group/project} becomes {@code group%2Fproject}). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) throws PublishException {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) throws PublishException {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) throws PublishException {
        return send("PUT", path, body);
    }

    JsonNode patch(String path, Object body) throws PublishException {
        return send("PATCH", path, body);
    }

    void delete(String path) throws PublishException {
        send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, Object body) throws PublishException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(TIMEOUT);
        headers.forEach(b::header);
        b.header("Accept", headers.getOrDefault("Accept", "application/json"));
        try {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() >= 300) {
                throw new PublishException(r.statusCode(), method + " " + path + ": HTTP " + r.statusCode()
                        + excerpt(r.body()));
            }
            byte[] bytes = r.body();
            return bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new PublishException(0, method + " " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException(0, method + " " + path + ": interrupted");
        }
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "" : ": " + s;
    }
}

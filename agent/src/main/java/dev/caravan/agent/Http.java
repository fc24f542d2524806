package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.NomadJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's calls to an agent's API: JSON in and out; an error status becomes its message. */
final class Http {
  private static final ObjectMapper JSON = NomadJson.mapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  static JsonNode get(String address, String path) throws Main.CliException {
    return send(address, HttpRequest.newBuilder(URI.create(address + path)).GET().build());
  }

  static JsonNode post(String address, String path, Object body) throws Main.CliException {
    try {
      return send(address, HttpRequest.newBuilder(URI.create(address + path))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build());
    } catch (IOException e) {
      throw new Main.CliException("cannot encode the request: " + e.getMessage());
    }
  }

  private static JsonNode send(String address, HttpRequest request) throws Main.CliException {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
      } catch (IOException notJson) {
        throw new Main.CliException((r.statusCode() >= 400 ? "HTTP " + r.statusCode() + ": "
            : "not a JSON answer from " + address + ": ") + r.body().strip());
      }
      if (r.statusCode() >= 400) {
        throw new Main.CliException(body.path("error").asText(r.body()));
      }
      return body;
    } catch (IOException e) {
      throw new Main.CliException("cannot reach the agent at " + address + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.CliException("interrupted");
    }
  }
}

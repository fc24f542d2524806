package dev.caravan.webhook;

import java.util.Map;
import java.util.Objects;

/** What to answer a delivery with: an HTTP status, a JSON body and extra headers. */
public record WebhookResponse(int status, String jsonBody, Map<String, String> headers) {
    public WebhookResponse {
        Objects.requireNonNull(jsonBody, "jsonBody");
        headers = Map.copyOf(headers);
    }
}

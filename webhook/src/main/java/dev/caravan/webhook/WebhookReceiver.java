package dev.caravan.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.webhook.SignatureVerifier.Verdict;
import dev.caravan.webhook.WebhookEvent.Ping;
import dev.caravan.webhook.WebhookEvent.PullRequest;
import dev.caravan.webhook.WebhookEvent.Push;
import dev.caravan.webhook.WebhookEvent.Unsupported;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers webhook deliveries, independent of any HTTP server: the server passes the provider path
 * segment (or null to detect it), the headers and the raw body, and writes back the response.
 *
 * <p>Pipeline: size limit (413), provider (404/400), parse (400), matching sources (202 ignored),
 * signature per source (401), duplicate delivery (200), then push to a tracked branch queues a
 * sync (202, or 503 with Retry-After when the queue is full) and a pull request against a
 * tracked branch asks for a preview (202). Bad input never escapes as an exception.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** Largest body accepted. */
    public static final int MAX_BODY_BYTES = 5 * 1024 * 1024;
    static final String RETRY_AFTER_SECONDS = "10";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SourceDirectory sources;
    private final PreviewTrigger previews;
    private final SyncQueue syncs;
    private final DeliveryLog deliveries;

    /**
     * Starts the worker thread that drains the sync queue.
     *
     * @throws IllegalArgumentException when a capacity is below 1
     */
    public WebhookReceiver(SourceDirectory sources, SyncTrigger syncTrigger, PreviewTrigger previews,
                           int syncQueueCapacity, int rememberedDeliveries) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.previews = Objects.requireNonNull(previews, "previews");
        this.deliveries = new DeliveryLog(rememberedDeliveries);
        this.syncs = new SyncQueue(syncQueueCapacity, Objects.requireNonNull(syncTrigger, "syncTrigger"));
    }

    /** Handles one delivery; never throws for any input. */
    public WebhookResponse handle(String providerPathOrNull, Map<String, String> headers, byte[] body) {
        Map<String, String> h = headers == null ? Map.of() : headers;
        byte[] raw = body == null ? new byte[0] : body;
        if (raw.length > MAX_BODY_BYTES) {
            return error(413, "body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        Provider provider;
        if (providerPathOrNull == null) {
            provider = ProviderDetector.detect(h);
        } else {
            var named = Provider.fromPath(providerPathOrNull);
            if (named.isEmpty()) {
                return error(404, "unknown provider " + providerPathOrNull);
            }
            provider = named.get();
        }
        WebhookEvent event;
        try {
            event = PayloadParser.parse(provider, h, raw);
        } catch (WebhookException e) {
            return error(e.status(), e.getMessage());
        }
        try {
            return act(event, h, raw);
        } catch (RuntimeException e) {
            // a trigger or directory failed: ours, not the sender's fault
            return error(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private WebhookResponse act(WebhookEvent event, Map<String, String> headers, byte[] body) {
        if (event instanceof Ping) {
            return json(200, status("pong"));
        }
        if (event instanceof Unsupported u) {
            return json(202, ignored("event " + u.eventName() + " is not acted on"));
        }
        if (event instanceof Push p) {
            return actOnAuthenticated(p, p.deliveryId(), p.cloneUrls(), headers, body);
        }
        PullRequest p = (PullRequest) event;
        return actOnAuthenticated(p, p.deliveryId(), p.cloneUrls(), headers, body);
    }

    private WebhookResponse actOnAuthenticated(WebhookEvent event, String deliveryId, List<String> urls,
                                               Map<String, String> headers, byte[] body) {
        List<WebhookSource> matched = sources.match(urls);
        if (matched.isEmpty()) {
            return json(202, ignored("no source tracks " + String.join(", ", urls)));
        }
        List<WebhookSource> proven = new ArrayList<>();
        Verdict worst = Verdict.VALID;
        for (WebhookSource s : matched) {
            Verdict v = s.hasSecret() ? SignatureVerifier.verify(event.provider(), headers, body, s.secret()) : Verdict.VALID;
            if (v == Verdict.VALID) {
                proven.add(s);
            } else if (worst != Verdict.INVALID) {
                worst = v;
            }
        }
        if (proven.isEmpty()) {
            String header = SignatureVerifier.proofHeader(event.provider());
            return error(401, worst == Verdict.MISSING ? "missing signature header " + header
                    : "signature in " + header + " does not match");
        }
        if (deliveryId != null && !deliveries.firstSight(deliveryId)) {
            ObjectNode body200 = status("duplicate");
            body200.put("delivery", deliveryId);
            return json(200, body200);
        }
        WebhookResponse response = event instanceof Push push ? push(push, proven) : pullRequest((PullRequest) event, proven);
        if (response.status() == 503 && deliveryId != null) {
            deliveries.forget(deliveryId);
        }
        return response;
    }

    private WebhookResponse push(Push push, List<WebhookSource> proven) {
        List<String> queued = new ArrayList<>();
        for (WebhookSource s : proven) {
            if (!s.branch().equals(push.branch())) {
                continue;
            }
            if (!syncs.offer(s.name())) {
                return new WebhookResponse(503, errorBody("sync queue is full").toString(),
                        Map.of("Content-Type", "application/json", "Retry-After", RETRY_AFTER_SECONDS));
            }
            queued.add(s.name());
        }
        if (queued.isEmpty()) {
            return json(202, ignored("push to " + push.ref() + " is not to a tracked branch"));
        }
        ObjectNode body = status("queued");
        queued.forEach(body.putArray("sources")::add);
        return json(202, body);
    }

    private WebhookResponse pullRequest(PullRequest pr, List<WebhookSource> proven) {
        List<String> previewed = new ArrayList<>();
        for (WebhookSource s : proven) {
            if (s.branch().equals(pr.baseBranch())) {
                previews.preview(s.name(), pr);
                previewed.add(s.name());
            }
        }
        if (previewed.isEmpty()) {
            return json(202, ignored("pull request targets " + pr.baseBranch() + ", not a tracked branch"));
        }
        ObjectNode body = status("preview");
        previewed.forEach(body.putArray("sources")::add);
        return json(202, body);
    }

    private static ObjectNode status(String status) {
        ObjectNode node = JSON.createObjectNode();
        node.put("status", status);
        return node;
    }

    private static ObjectNode ignored(String reason) {
        ObjectNode node = status("ignored");
        node.put("reason", reason);
        return node;
    }

    private static ObjectNode errorBody(String message) {
        ObjectNode node = status("error");
        node.put("error", message);
        return node;
    }

    private static WebhookResponse error(int status, String message) {
        return json(status, errorBody(message));
    }

    private static WebhookResponse json(int status, ObjectNode body) {
        return new WebhookResponse(status, body.toString(), Map.of("Content-Type", "application/json"));
    }

    /** Stops the sync worker; syncs still queued are dropped (the poll timer catches up). */
    @Override
    public void close() {
        syncs.close();
    }
}

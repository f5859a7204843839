package io.ternmq.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.netty.handler.codec.http.HttpMethod;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.policy.Rule;
import io.ternmq.core.policy.Verdict;
import io.ternmq.core.routing.Router;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/publish} and {@code /publish/batch}: a business server publishes as an MQTT publisher
 * would, under the same platform rules (a broken rule is a 400 naming it), routed by the same router. A QoS 1
 * message is answered once it is as safe as the store promises in every persistent session it reached, as its
 * PUBACK would be.
 */
final class PublishApi {

    /** The publisher id of API messages: no client has the empty id after CONNECT (the broker assigns one). */
    static final String PUBLISHER = "";
    static final int MAX_BATCH = 100;
    private static final Set<String> FIELDS = Set.of("topic", "payload", "payloadBase64", "qos", "retain",
            "userProperties", "responseTopic", "correlationDataBase64", "contentType", "messageExpiry");

    /** @param code null when delivered as asked; {@code store-full} when the store refused it */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Published(int reached, String code) {
    }

    record Batch(List<Published> results) {
    }

    private final PlatformPolicy policy;
    private final Router router;
    private final BrokerMetrics metrics;
    final LongAdder published = new LongAdder();

    PublishApi(PlatformPolicy policy, Router router, BrokerMetrics metrics) {
        this.policy = policy;
        this.router = router;
        this.metrics = metrics;
    }

    List<Route> routes() {
        return List.of(new Route(HttpMethod.POST, "/api/v1/publish", true, this::publish),
                new Route(HttpMethod.POST, "/api/v1/publish/batch", true, this::batch));
    }

    private CompletionStage<ApiResponse> publish(ApiRequest r) {
        r.onlyQuery(Set.of());
        PublishMessage message = message(r.json(), "");
        return route(message).thenApply(p -> {
            if (p.code() != null) {
                throw ApiException.unavailable(p.code(), "the store is full: QoS 1 messages for persistent "
                        + "sessions are refused until it has room (storage.max-bytes)");
            }
            return ApiResponse.ok(p);
        });
    }

    /** Every message is checked before any is published: a batch with one bad message publishes none. */
    private CompletionStage<ApiResponse> batch(ApiRequest r) {
        r.onlyQuery(Set.of());
        JsonNode body = r.json();
        if (!body.isArray() || body.isEmpty() || body.size() > MAX_BATCH) {
            throw ApiException.badField("body", "an array of 1 to " + MAX_BATCH + " messages is required");
        }
        List<PublishMessage> messages = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            messages.add(message(body.get(i), "[" + i + "]"));
        }
        List<CompletableFuture<Published>> results = messages.stream().map(this::route).toList();
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> ApiResponse.ok(new Batch(results.stream().map(CompletableFuture::join).toList())));
    }

    private CompletableFuture<Published> route(PublishMessage message) {
        published.increment();
        if (message.qos() == 0) {
            return CompletableFuture.completedFuture(new Published(router.route(message), null));
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        int reached = router.route(message, () -> written.complete(null));
        if (reached == Router.STORE_FULL) {
            return CompletableFuture.completedFuture(new Published(0, "store-full"));
        }
        return written.thenApply(done -> new Published(reached, null));
    }

    private PublishMessage message(JsonNode node, String prefix) {
        JsonFields f = new JsonFields(node, prefix, FIELDS);
        String topic = f.string("topic", true);
        if (f.has("payload") && f.has("payloadBase64")) {
            throw ApiException.badField(f.path("payloadBase64"), "give payload (UTF-8) or payloadBase64, not both");
        }
        byte[] payload = f.has("payloadBase64") ? f.base64("payloadBase64")
                : f.has("payload") ? f.string("payload", true).getBytes(StandardCharsets.UTF_8) : new byte[0];
        int qos = (int) f.integer("qos", 0, 0, 2);
        boolean retain = f.bool("retain", false);
        List<UserProperty> userProperties = userProperties(f);
        String responseTopic = f.string("responseTopic", false);
        byte[] correlation = f.base64("correlationDataBase64");
        String contentType = f.string("contentType", false);
        long expiry = f.integer("messageExpiry", 0, 0, 0xFFFFFFFFL);
        MessageProperties properties = new MessageProperties(null, contentType, responseTopic, correlation,
                userProperties);
        Verdict verdict = policy.publish(topic, qos, retain, payload.length, properties);
        if (!verdict.accepted()) {
            Rule rule = verdict.rule();
            if (rule != null) {
                metrics.refused(rule);
            }
            String label = rule == null ? "protocol" : rule.label();
            throw ApiException.rule(label, f.path(field(rule)), verdict.reason());
        }
        return new PublishMessage(topic, qos, payload, PUBLISHER, properties,
                expiry == 0 ? 0 : System.nanoTime() + TimeUnit.SECONDS.toNanos(expiry));
    }

    private static List<UserProperty> userProperties(JsonFields f) {
        JsonNode list = f.get("userProperties");
        if (list == null || list.isNull()) {
            return List.of();
        }
        String path = f.path("userProperties");
        if (!list.isArray()) {
            throw ApiException.badField(path, "an array of [key, value] pairs is required");
        }
        List<UserProperty> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode pair = list.get(i);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isString() || !pair.get(1).isString()) {
                throw ApiException.badField(path + "[" + i + "]", "a [key, value] pair of strings is required");
            }
            out.add(new UserProperty(pair.get(0).stringValue(), pair.get(1).stringValue()));
        }
        return out;
    }

    /** The request field a broken rule is about. */
    private static String field(Rule rule) {
        if (rule == null) {
            return "topic";
        }
        return switch (rule) {
            case QOS -> "qos";
            case RETAIN -> "retain";
            case PAYLOAD_SIZE -> "payload";
            case USER_PROPERTIES -> "userProperties";
            case RESPONSE_TOPIC -> "responseTopic";
            case CORRELATION_DATA -> "correlationDataBase64";
            default -> "topic";
        };
    }
}

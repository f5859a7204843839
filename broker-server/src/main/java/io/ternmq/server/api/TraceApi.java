package io.ternmq.server.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.ternmq.core.topic.SubscriptionFilter;
import io.ternmq.core.topic.Topics;
import io.ternmq.core.trace.MessageTrace;
import io.ternmq.core.trace.TraceEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The message trace: what traced devices sent (CONNECT and PUBLISH, with their user properties and the
 * properties a business server needs to answer), newest first from the broker's bounded ring, and which client
 * ids and topic filters are traced, changed at run time.
 */
final class TraceApi {

    static final int MAX_LIMIT = 1000;

    record Tracing(boolean all, List<String> clientIds, List<String> topicFilters) {
    }

    record Event(Instant time, String kind, String clientId, String protocolVersion, String transport, String topic,
                 Integer qos, Integer payloadBytes, List<List<String>> userProperties, String contentType,
                 String responseTopic, String correlationDataBase64, String identity, String provider) {

        static Event of(TraceEvent e) {
            boolean publish = e.kind() == TraceEvent.Kind.PUBLISH;
            byte[] correlation = e.properties().correlationData();
            return new Event(e.time(), e.kind().name(), e.clientId(), MessageTrace.versionName(e.protocolLevel()), e.transport(),
                    e.topic(), publish ? e.qos() : null, publish ? e.payloadBytes() : null,
                    Views.pairs(e.userProperties()), e.properties().contentType(), e.properties().responseTopic(),
                    correlation == null ? null : Base64.getEncoder().encodeToString(correlation), e.identity(),
                    e.provider());
        }
    }

    record Events(Tracing tracing, List<Event> data) {
    }

    private final MessageTrace trace;
    private final boolean all;

    /** @param all {@code log.trace}: every client is traced, whatever is turned on here */
    TraceApi(MessageTrace trace, boolean all) {
        this.trace = trace;
        this.all = all;
    }

    List<Route> routes() {
        return List.of(new Route(HttpMethod.GET, "/api/v1/trace", true, this::events),
                new Route(HttpMethod.PUT, "/api/v1/trace", true, this::change));
    }

    private CompletionStage<ApiResponse> events(ApiRequest r) {
        r.onlyQuery(Set.of("clientId", "topic", "since", "limit"));
        String clientId = r.query("clientId");
        String topicFilter = r.query("topic");
        if (topicFilter != null) {
            checkFilter(topicFilter);
        }
        Instant since = instant(r.query("since"));
        int limit = r.intQuery("limit", 100, 1, MAX_LIMIT);
        List<Event> out = new ArrayList<>();
        for (TraceEvent e : trace.recent(clientId, Integer.MAX_VALUE)) {
            if (out.size() >= limit || (since != null && e.time().isBefore(since))) {
                break; // newest first: everything after this one is older
            }
            if (topicFilter == null || (e.topic() != null && Topics.matches(topicFilter, e.topic()))) {
                out.add(Event.of(e));
            }
        }
        return CompletableFuture.completedFuture(ApiResponse.ok(new Events(tracing(), out)));
    }

    /** {@code {"clientId": ID, "enabled": true}} or {@code {"topic": FILTER, "enabled": false}}. */
    private CompletionStage<ApiResponse> change(ApiRequest r) {
        r.onlyQuery(Set.of());
        JsonFields f = new JsonFields(r.json(), "", Set.of("clientId", "topic", "enabled"));
        String clientId = f.string("clientId", false);
        String topic = f.string("topic", false);
        if ((clientId == null) == (topic == null)) {
            throw ApiException.badField(clientId == null ? "clientId" : "topic",
                    "give exactly one of clientId and topic");
        }
        if (!f.has("enabled")) {
            throw ApiException.badField("enabled", "required");
        }
        boolean on = f.bool("enabled", false);
        boolean changed;
        if (clientId != null) {
            if (clientId.isEmpty()) {
                throw ApiException.badField("clientId", "a non-empty client id is required");
            }
            changed = trace.traceClient(clientId, on);
            if (!changed) {
                throw new ApiException(HttpResponseStatus.CONFLICT, "trace-limit", "clientId",
                        "at most " + MessageTrace.MAX_TRACED + " client ids are traced at once");
            }
        } else {
            checkFilter(topic);
            changed = trace.traceTopic(topic, on);
            if (!changed) {
                throw new ApiException(HttpResponseStatus.CONFLICT, "trace-limit", "topic",
                        "at most " + MessageTrace.MAX_TOPIC_FILTERS + " topic filters are traced at once");
            }
        }
        return CompletableFuture.completedFuture(ApiResponse.ok(tracing()));
    }

    /** The {@code topic} field or parameter: a topic filter, wildcards allowed. */
    private static void checkFilter(String filter) {
        if (SubscriptionFilter.parse(filter, Integer.MAX_VALUE) == null) {
            throw ApiException.badField("topic", "a topic filter is required (wildcards + and # allowed)");
        }
    }

    private Tracing tracing() {
        return new Tracing(all, trace.tracedClients().stream().sorted().toList(), trace.tracedTopics());
    }

    private static Instant instant(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw ApiException.badField("since", "an ISO-8601 instant such as 2026-12-01T10:00:00Z is required");
        }
    }
}

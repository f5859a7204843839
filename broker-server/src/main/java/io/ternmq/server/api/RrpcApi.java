package io.ternmq.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.ternmq.auth.device.DeviceRegistry;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.topic.TopicCheck;
import io.ternmq.core.topic.Topics;
import io.ternmq.server.rrpc.Rrpc;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /api/v1/rrpc}: a synchronous call to a device (Alibaba's RRPC). The answer comes when the device
 * responds, or with TIMEOUT after {@code timeoutMs}; OFFLINE and HALFCONN at once. Beyond
 * {@code api.rrpc-max-pending} waiting calls the next gets 429.
 */
final class RrpcApi {

    static final long MIN_TIMEOUT = 1000;
    static final long MAX_TIMEOUT = 8000;

    /** @param messageId a decimal string; null when the call was answered without a request (OFFLINE, HALFCONN) */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Answer(String rrpcCode, String messageId, String payloadBase64) {
    }

    private final Rrpc rrpc;
    private final DeviceRegistry registry;
    private final Executor blocking;
    private final int maxTopicLength;

    RrpcApi(Rrpc rrpc, DeviceRegistry registry, Executor blocking, int maxTopicLength) {
        this.rrpc = rrpc;
        this.registry = registry;
        this.blocking = blocking;
        this.maxTopicLength = maxTopicLength;
    }

    List<Route> routes() {
        return List.of(new Route(HttpMethod.POST, "/api/v1/rrpc", true, this::call));
    }

    private CompletionStage<ApiResponse> call(ApiRequest r) {
        r.onlyQuery(Set.of());
        JsonFields f = new JsonFields(r.json(), "",
                Set.of("productKey", "deviceName", "requestBase64", "timeoutMs", "topic"));
        String productKey = f.string("productKey", true);
        String deviceName = f.string("deviceName", true);
        if (!f.has("requestBase64")) {
            throw ApiException.badField("requestBase64", "required");
        }
        byte[] request = f.base64("requestBase64");
        if (!f.has("timeoutMs")) {
            throw ApiException.badField("timeoutMs", "required");
        }
        long timeout = f.integer("timeoutMs", 0, MIN_TIMEOUT, MAX_TIMEOUT);
        String topic = topic(f.string("topic", false));
        DeviceId device = new DeviceId(productKey, deviceName);
        CompletableFuture<Boolean> registered;
        if (rrpc.online(device)) {
            // Online means registered: no registry read, so a call never waits behind a list or an import.
            registered = CompletableFuture.completedFuture(true);
        } else {
            try {
                registered = CompletableFuture.supplyAsync(() -> registry.get(productKey, deviceName).isPresent(),
                        blocking);
            } catch (RejectedExecutionException e) {
                throw ApiException.unavailable("busy", "too many registry calls are waiting; try again");
            }
        }
        return registered.thenCompose(known -> {
            if (!known) {
                throw ApiException.notFound("no device '" + deviceName + "' in product '" + productKey + "'");
            }
            try {
                return rrpc.call(device, request, timeout, topic);
            } catch (Rrpc.TooManyCalls e) {
                throw new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "too-many-calls", null, e.getMessage());
            }
        }).thenApply(result -> ApiResponse.ok(new Answer(result.code().name(),
                result.messageId() == 0 ? null : Long.toString(result.messageId()),
                result.payload() == null ? null : Base64.getEncoder().encodeToString(result.payload()))));
    }

    /** The custom topic of the {@code /ext/rrpc/{messageId}/{topic}} form, its leading slash dropped. */
    private String topic(String topic) {
        if (topic == null) {
            return null;
        }
        String bare = topic.startsWith("/") ? topic.substring(1) : topic;
        String full = "/ext/rrpc/" + Long.MAX_VALUE + "/" + bare;
        if (bare.isEmpty() || Topics.checkName(full, maxTopicLength) != TopicCheck.OK) {
            throw ApiException.badField("topic", "a topic name without wildcards, short enough that "
                    + "/ext/rrpc/{messageId}/{topic} stays within limits.max-topic-length (" + maxTopicLength + ")");
        }
        return bare;
    }
}

package io.ternmq.core.policy;

import io.ternmq.config.DeliveryQos;
import io.ternmq.config.LimitsConfig;
import io.ternmq.config.PlatformConfig;
import io.ternmq.config.RetainPolicy;
import io.ternmq.config.WillPolicy;
import io.ternmq.core.topic.TopicCheck;
import io.ternmq.core.topic.Topics;

/**
 * The platform rules of PLATFORM.md section 3 in one place. Protocol handlers ask it; they never read the
 * config themselves, so each rule can be tested on its own and relaxed by one setting.
 */
public final class PlatformPolicy {

    /** The highest QoS the broker implements. QoS 2 has no handshake here, so it is not a setting. */
    public static final int MAX_QOS = 1;

    private final PlatformConfig platform;
    private final LimitsConfig limits;

    public PlatformPolicy(PlatformConfig platform, LimitsConfig limits) {
        this.platform = platform;
        this.limits = limits;
    }

    public LimitsConfig limits() {
        return limits;
    }

    /** True when a CONNECT carrying a will must be refused; otherwise the will is accepted and discarded. */
    public boolean refusesWill() {
        return platform.willMessages() == WillPolicy.REFUSE;
    }

    /** True when a PUBLISH with RETAIN=1 is a violation; otherwise it is delivered with RETAIN cleared. */
    public boolean refusesRetain() {
        return platform.retainedMessages() == RetainPolicy.REFUSE;
    }

    /**
     * The keepalive the broker enforces: the client's value clamped into [keepalive-min, keepalive-max].
     * 0 ("no keepalive") becomes keepalive-max: the platform wants every connection to have one.
     */
    public int clampKeepalive(int requestedSeconds) {
        if (requestedSeconds == 0) {
            return platform.keepaliveMax();
        }
        return Math.max(platform.keepaliveMin(), Math.min(platform.keepaliveMax(), requestedSeconds));
    }

    /** The QoS granted in SUBACK for a requested QoS (0..2). */
    public int grantedQos(int requested) {
        if (platform.deliveryQos() == DeliveryQos.PUBLISHER) {
            return MAX_QOS; // PLATFORM.md 3: SUBACK grants 1 for every accepted filter
        }
        return Math.min(requested, MAX_QOS);
    }

    /** The QoS a message published at publisherQos is delivered with on a subscription granted subscriptionQos. */
    public int deliveredQos(int publisherQos, int subscriptionQos) {
        if (platform.deliveryQos() == DeliveryQos.PUBLISHER) {
            return publisherQos;
        }
        return Math.min(publisherQos, subscriptionQos);
    }

    /** Validates a topic name of a PUBLISH. */
    public TopicCheck checkTopicName(String topic) {
        return Topics.checkName(topic, limits.maxTopicLength());
    }

    /** Validates a topic filter of a SUBSCRIBE or UNSUBSCRIBE. */
    public TopicCheck checkTopicFilter(String filter) {
        return Topics.checkFilter(filter, limits.maxTopicLength());
    }

    /** True when a payload of this many bytes is within {@code limits.max-payload}. */
    public boolean payloadAllowed(int bytes) {
        return bytes <= limits.maxPayload();
    }

    /** True when a client id is within {@code limits.max-client-id-length} (counted in characters). */
    public boolean clientIdAllowed(String clientId) {
        return clientId.codePointCount(0, clientId.length()) <= limits.maxClientIdLength();
    }
}

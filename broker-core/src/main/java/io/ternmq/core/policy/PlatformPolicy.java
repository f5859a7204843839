package io.ternmq.core.policy;

import io.ternmq.config.DeliveryQos;
import io.ternmq.config.LimitsConfig;
import io.ternmq.config.PlatformConfig;
import io.ternmq.config.RetainPolicy;
import io.ternmq.config.WillPolicy;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.topic.TopicCheck;
import io.ternmq.core.topic.Topics;
import java.util.List;

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

    /**
     * PLATFORM.md 3 for the user properties of an MQTT 5 CONNECT or PUBLISH: at most
     * {@code platform.max-user-properties}, no key starting with '_', key plus value at most
     * {@code platform.max-user-property-length} characters. Returns the broken rule, or null.
     */
    public String checkUserProperties(List<UserProperty> properties) {
        if (properties.size() > platform.maxUserProperties()) {
            return "more than " + platform.maxUserProperties() + " user properties";
        }
        for (UserProperty p : properties) {
            if (p.key().startsWith("_")) {
                return "user property key '" + abbreviate(p.key()) + "' starts with '_'";
            }
            int length = p.key().codePointCount(0, p.key().length()) + p.value().codePointCount(0, p.value().length());
            if (length > platform.maxUserPropertyLength()) {
                return "user property '" + abbreviate(p.key()) + "' is longer than "
                        + platform.maxUserPropertyLength() + " characters (key plus value)";
            }
        }
        return null;
    }

    /** A Response Topic: a valid topic name of at most {@code platform.max-response-topic-length}; the broken rule, or null. */
    public String checkResponseTopic(String responseTopic) {
        if (responseTopic.codePointCount(0, responseTopic.length()) > platform.maxResponseTopicLength()) {
            return "response topic longer than " + platform.maxResponseTopicLength() + " characters";
        }
        TopicCheck check = Topics.checkName(responseTopic, Integer.MAX_VALUE);
        return check.ok() ? null : "response topic is not a valid topic name: " + check.describe();
    }

    /** Correlation Data of at most {@code platform.max-correlation-data} bytes; the broken rule, or null. */
    public String checkCorrelationData(byte[] correlationData) {
        return correlationData.length > platform.maxCorrelationData()
                ? "correlation data longer than " + platform.maxCorrelationData() + " bytes" : null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    /** True when a client id is within {@code limits.max-client-id-length} (counted in characters). */
    public boolean clientIdAllowed(String clientId) {
        return clientId.codePointCount(0, clientId.length()) <= limits.maxClientIdLength();
    }
}

package io.ternmq.core.policy;

import io.ternmq.config.DeliveryQos;
import io.ternmq.config.LimitsConfig;
import io.ternmq.config.PlatformConfig;
import io.ternmq.config.RetainPolicy;
import io.ternmq.config.WillPolicy;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.topic.SubscriptionFilter;
import io.ternmq.core.topic.TopicCheck;
import io.ternmq.core.topic.Topics;
import java.util.List;

/**
 * The platform rules of PLATFORM.md section 3, and the limits of the {@code limits} section, in one place. The
 * protocol handlers ask it for a verdict on each CONNECT, PUBLISH and SUBSCRIBE and carry the verdict out in their
 * client's version; no handler reads the config. Each rule is a setting, so an operator can relax it, and each is
 * tested on its own ({@code PlatformPolicyTest}).
 */
public final class PlatformPolicy {

    /** The highest QoS the broker implements. QoS 2 has no handshake here, so it is not a setting. */
    public static final int MAX_QOS = 1;

    /**
     * What a SUBSCRIBE filter gets: the parsed filter and the QoS granted, or (filter null) the reason code of its
     * refusal.
     */
    public record Subscription(SubscriptionFilter filter, int grantedQos, byte refusal) {
        public boolean granted() {
            return filter != null;
        }
    }

    private final PlatformConfig platform;
    private final LimitsConfig limits;

    public PlatformPolicy(PlatformConfig platform, LimitsConfig limits) {
        this.platform = platform;
        this.limits = limits;
    }

    // ---- CONNECT ----

    /** The will of a CONNECT as the policy judges it: none, or its QoS and RETAIN flag. */
    public record Will(boolean present, int qos, boolean retain) {
        public static final Will NONE = new Will(false, 0, false);
    }

    /**
     * The platform's verdict on a CONNECT: the client id's length (the client's own id; one the broker assigns
     * is never refused), a will, the user properties (MQTT 5). A refusal carries the MQTT 5 CONNACK reason code;
     * the 3.x return code is derived from it.
     */
    public Verdict connect(String clientId, Will will, List<UserProperty> userProperties) {
        if (clientId.codePointCount(0, clientId.length()) > limits.maxClientIdLength()) {
            return Verdict.refuse(Rule.CLIENT_ID_LENGTH, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "client id longer than limits.max-client-id-length");
        }
        if (will.present()) {
            if (platform.willMessages() == WillPolicy.REFUSE) {
                return Verdict.refuse(Rule.WILL, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                        "will messages are not supported");
            }
            // With wills ignored they must still be wills the broker could have honoured (5.0 MQTT-3.2.2-12, -13).
            if (will.qos() > MAX_QOS) {
                return Verdict.refuse(Rule.WILL, ReasonCode.QOS_NOT_SUPPORTED, "will QoS 2 is not supported");
            }
            if (will.retain() && !retainAvailable()) {
                return Verdict.refuse(Rule.WILL, ReasonCode.RETAIN_NOT_SUPPORTED, "retained wills are not supported");
            }
        }
        String broken = checkUserProperties(userProperties);
        return broken == null ? Verdict.ACCEPT
                : Verdict.refuse(Rule.USER_PROPERTIES, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, broken);
    }

    /**
     * The keepalive the broker enforces: the client's value clamped into [keepalive-min, keepalive-max].
     * 0 ("no keepalive") becomes keepalive-max: the platform wants every connection to have one.
     */
    public int keepalive(int requestedSeconds) {
        if (requestedSeconds == 0) {
            return platform.keepaliveMax();
        }
        return Math.max(platform.keepaliveMin(), Math.min(platform.keepaliveMax(), requestedSeconds));
    }

    /** A session's expiry interval in seconds, capped by {@code limits.max-session-expiry}. */
    public long sessionExpiry(long requestedSeconds) {
        return Math.min(requestedSeconds, limits.maxSessionExpiry());
    }

    /** What an MQTT 3.x clean session 0 gets: it never expires in 3.x terms, so the longest the broker keeps. */
    public long persistentSessionExpiry() {
        return limits.maxSessionExpiry();
    }

    /**
     * How long a connection may stay silent before the broker closes it: one and a half times its keepalive
     * (3.1.1 MQTT-3.1.2-24, 5.0 MQTT-3.1.2-22), the keepalive being the clamped one.
     */
    public long silenceAllowedMillis(int keepaliveSeconds) {
        return keepaliveSeconds * 1500L;
    }

    /** The longest silence any connection may be allowed: what a transport's own idle timeout must outlast. */
    public long longestSilenceAllowedMillis() {
        return silenceAllowedMillis(platform.keepaliveMax());
    }

    /**
     * Messages waiting for a shared-subscription member (queued, or on their way to its owner) that make it
     * "behind", so the next member takes the message: half of {@code limits.max-queued-messages}.
     */
    public int sharedMemberBehindAt() {
        return Math.max(1, limits.maxQueuedMessages() / 2);
    }

    // ---- what the broker tells an MQTT 5 client in CONNACK ----

    /** Capabilities CONNACK announces: wildcard and shared subscriptions yes, subscription identifiers no. */
    public boolean wildcardSubscriptionsAvailable() {
        return true;
    }

    public boolean sharedSubscriptionsAvailable() {
        return true;
    }

    public boolean subscriptionIdentifiersAvailable() {
        return false;
    }

    public boolean retainAvailable() {
        return platform.retainedMessages() != RetainPolicy.REFUSE;
    }

    /** The broker's Receive Maximum: unacknowledged QoS 1 PUBLISH a client may have outstanding. */
    public int receiveMaximum() {
        return limits.receiveMaximum();
    }

    /** The broker's Topic Alias Maximum for client-to-broker aliases (0: none). */
    public int topicAliasMaximum() {
        return limits.topicAliasMaximum();
    }

    /** The largest packet the broker accepts, fixed header included. */
    public int maxPacketSize() {
        return limits.maxPacketSize();
    }

    // ---- PUBLISH ----

    /**
     * The verdict on a PUBLISH, in the order a client learns of it: QoS and RETAIN refuse the packet (PLATFORM.md
     * 3); a topic that is no topic name refuses it too (empty, wildcards, U+0000: MQTT-4.7.3-1, MQTT-3.3.2-2,
     * MQTT-4.7.3-2); per-message limits leave it undelivered (topic length, payload, user properties, Response
     * Topic, Correlation Data). MQTT 3.x messages have {@link MessageProperties#NONE}.
     */
    public Verdict publish(String topic, int qos, boolean retain, int payloadBytes, MessageProperties properties) {
        if (qos > MAX_QOS) {
            return Verdict.refuse(Rule.QOS, ReasonCode.QOS_NOT_SUPPORTED, "QoS 2 is not supported"); // MQTT-3.2.2-11
        }
        if (retain && platform.retainedMessages() == RetainPolicy.REFUSE) {
            // MQTT-3.2.2-14
            return Verdict.refuse(Rule.RETAIN, ReasonCode.RETAIN_NOT_SUPPORTED, "retained messages are not supported");
        }
        TopicCheck check = Topics.checkName(topic, limits.maxTopicLength());
        switch (check) {
            case OK -> { }
            case EMPTY -> {
                return Verdict.refuse(Rule.TOPIC_NAME, ReasonCode.PROTOCOL_ERROR, "invalid topic name: " + check.describe());
            }
            case TOO_LONG -> {
                return Verdict.notDelivered(Rule.TOPIC_LENGTH, ReasonCode.TOPIC_NAME_INVALID, check.describe());
            }
            default -> {
                return Verdict.refuse(Rule.TOPIC_NAME, ReasonCode.TOPIC_NAME_INVALID,
                        "invalid topic name: " + check.describe());
            }
        }
        if (payloadBytes > limits.maxPayload()) {
            // PLATFORM.md asks for 0x95, which is no PUBACK reason code (MQTT 5 3.4.2.1): strict clients drop the
            // connection on it. 0x97 Quota exceeded is the valid code closest in meaning.
            return Verdict.notDelivered(Rule.PAYLOAD_SIZE, ReasonCode.QUOTA_EXCEEDED,
                    "payload larger than " + limits.maxPayload() + " bytes");
        }
        String broken = checkUserProperties(properties.userProperties());
        if (broken != null) {
            return Verdict.notDelivered(Rule.USER_PROPERTIES, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, broken);
        }
        broken = properties.responseTopic() == null ? null : checkResponseTopic(properties.responseTopic());
        if (broken != null) {
            return Verdict.notDelivered(Rule.RESPONSE_TOPIC, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, broken);
        }
        if (properties.correlationData() != null && properties.correlationData().length > platform.maxCorrelationData()) {
            return Verdict.notDelivered(Rule.CORRELATION_DATA, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                    "correlation data longer than " + platform.maxCorrelationData() + " bytes");
        }
        return Verdict.ACCEPT;
    }

    /** The QoS a message published at publisherQos is delivered with on a subscription granted subscriptionQos. */
    public int deliveredQos(int publisherQos, int subscriptionQos) {
        if (platform.deliveryQos() == DeliveryQos.PUBLISHER) {
            return publisherQos;
        }
        return Math.min(publisherQos, subscriptionQos);
    }

    // ---- SUBSCRIBE ----

    /**
     * One filter of a SUBSCRIBE: a valid filter within {@code limits.max-topic-length} gets the QoS the platform
     * grants (PLATFORM.md 3: 1 for every accepted filter; otherwise the requested QoS, at most 1); any other is
     * refused with 0x8F Topic Filter invalid.
     */
    public Subscription subscription(String filter, int requestedQos) {
        SubscriptionFilter parsed = SubscriptionFilter.parse(filter, limits.maxTopicLength());
        if (parsed == null) {
            return new Subscription(null, 0, ReasonCode.TOPIC_FILTER_INVALID);
        }
        int granted = platform.deliveryQos() == DeliveryQos.PUBLISHER ? MAX_QOS : Math.min(requestedQos, MAX_QOS);
        return new Subscription(parsed, granted, ReasonCode.SUCCESS);
    }

    /** True when a session that holds {@code held} subscriptions may add one ({@code limits.max-subscriptions-per-session}). */
    public boolean subscriptionWithinQuota(int held, boolean alreadyHeld) {
        return alreadyHeld || held < limits.maxSubscriptions();
    }

    // ---- the rules behind the verdicts ----

    /**
     * PLATFORM.md 3 for the user properties of an MQTT 5 CONNECT or PUBLISH: at most
     * {@code platform.max-user-properties}, no key starting with '_', key plus value at most
     * {@code platform.max-user-property-length} characters. Returns the broken rule, or null.
     */
    String checkUserProperties(List<UserProperty> properties) {
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
    private String checkResponseTopic(String responseTopic) {
        if (responseTopic.codePointCount(0, responseTopic.length()) > platform.maxResponseTopicLength()) {
            return "response topic longer than " + platform.maxResponseTopicLength() + " characters";
        }
        TopicCheck check = Topics.checkName(responseTopic, Integer.MAX_VALUE);
        return check.ok() ? null : "response topic is not a valid topic name: " + check.describe();
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
}

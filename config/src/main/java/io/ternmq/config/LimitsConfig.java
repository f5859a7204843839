package io.ternmq.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on everything a client controls. Sizes are in bytes, lengths in characters.
 *
 * @param maxConnections    concurrent MQTT connections across all listeners
 * @param maxPacketSize     largest MQTT packet accepted (advertised to MQTT 5 clients as Maximum Packet Size)
 * @param maxPayload        largest PUBLISH payload delivered
 * @param maxTopicLength    characters in a topic name or topic filter
 * @param maxClientIdLength characters in a client identifier
 * @param maxQueuedMessages per-session bound on queued messages; the oldest is dropped when full
 * @param maxQueuedBytes    per-session bound on the bytes of queued messages; the oldest is dropped when full
 * @param maxInflight       unacknowledged QoS 1 deliveries per session
 * @param connectTimeout    how long a new connection may take to send CONNECT
 * @param receiveMaximum    the broker's MQTT 5 Receive Maximum: unacknowledged QoS 1 PUBLISH a client may have
 *                          outstanding towards the broker
 * @param topicAliasMaximum the broker's MQTT 5 Topic Alias Maximum for client-to-broker aliases (0: none)
 * @param maxSubscriptions  subscriptions one session may hold
 * @param maxSessionExpiry  seconds an offline session is kept at most (caps MQTT 5's Session Expiry Interval and
 *                          MQTT 3.x clean session 0)
 */
public record LimitsConfig(int maxConnections, int maxPacketSize, int maxPayload, int maxTopicLength,
                           int maxClientIdLength, int maxQueuedMessages, int maxInflight,
                           Duration connectTimeout, int receiveMaximum, int topicAliasMaximum,
                           int maxSubscriptions, int maxSessionExpiry, long maxQueuedBytes) {

    /** The default of {@code limits.max-queued-bytes}: 16 MiB a session. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 16L * 1024 * 1024;

    public LimitsConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /** The limits with the queue's byte bound at its default. */
    public LimitsConfig(int maxConnections, int maxPacketSize, int maxPayload, int maxTopicLength,
                        int maxClientIdLength, int maxQueuedMessages, int maxInflight, Duration connectTimeout,
                        int receiveMaximum, int topicAliasMaximum, int maxSubscriptions, int maxSessionExpiry) {
        this(maxConnections, maxPacketSize, maxPayload, maxTopicLength, maxClientIdLength, maxQueuedMessages,
                maxInflight, connectTimeout, receiveMaximum, topicAliasMaximum, maxSubscriptions, maxSessionExpiry,
                DEFAULT_MAX_QUEUED_BYTES);
    }

    /** The limits with the MQTT 5 flow-control values and the session bounds at their defaults. */
    public LimitsConfig(int maxConnections, int maxPacketSize, int maxPayload, int maxTopicLength,
                        int maxClientIdLength, int maxQueuedMessages, int maxInflight, Duration connectTimeout) {
        this(maxConnections, maxPacketSize, maxPayload, maxTopicLength, maxClientIdLength, maxQueuedMessages,
                maxInflight, connectTimeout, 32, 16, 1000, 604800);
    }
}

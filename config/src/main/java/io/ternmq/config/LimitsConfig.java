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
 * @param maxInflight       unacknowledged QoS 1 deliveries per session
 * @param connectTimeout    how long a new connection may take to send CONNECT
 */
public record LimitsConfig(int maxConnections, int maxPacketSize, int maxPayload, int maxTopicLength,
                           int maxClientIdLength, int maxQueuedMessages, int maxInflight,
                           Duration connectTimeout) {

    public LimitsConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }
}

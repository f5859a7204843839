package io.ternmq.core.message;

import java.util.Objects;

/**
 * One accepted PUBLISH, decoded once and shared by every subscriber it fans out to. Immutable: per-delivery
 * wire state (packet id, DUP, delivered QoS, topic alias, remaining expiry) is decided when it is written.
 *
 * @param topic          the topic name
 * @param qos            the publisher's QoS, 0 or 1
 * @param payload        the payload; never modified after construction
 * @param publisherId    the client id of the publisher (for No Local and logs)
 * @param properties     the MQTT 5 properties forwarded to subscribers; {@link MessageProperties#NONE} for 3.x
 * @param expiresAtNanos {@link System#nanoTime()} at which the message expires, or 0 when it never does
 */
public record PublishMessage(String topic, int qos, byte[] payload, String publisherId,
                             MessageProperties properties, long expiresAtNanos) {

    public PublishMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("qos must be 0 or 1: " + qos);
        }
    }

    /** A message without MQTT 5 properties that never expires, as an MQTT 3.x client publishes it. */
    public PublishMessage(String topic, int qos, byte[] payload, String publisherId) {
        this(topic, qos, payload, publisherId, MessageProperties.NONE, 0);
    }

    /**
     * What the message weighs in a queue, in bytes: the payload, the topic and the properties, plus a fixed part
     * for the rest. The per-session byte bound ({@code limits.max-queued-bytes}) and the store's bound count this.
     */
    public long weight() {
        long w = 64L + payload.length + topic.length();
        MessageProperties p = properties;
        if (p != MessageProperties.NONE) {
            w += p.contentType() == null ? 0 : p.contentType().length();
            w += p.responseTopic() == null ? 0 : p.responseTopic().length();
            w += p.correlationData() == null ? 0 : p.correlationData().length;
            for (UserProperty u : p.userProperties()) {
                w += 8 + u.key().length() + u.value().length();
            }
        }
        return w;
    }

    /** Seconds left before expiry at {@code nowNanos}, rounded up; -1 when the message never expires. */
    public long remainingExpirySeconds(long nowNanos) {
        if (expiresAtNanos == 0) {
            return -1;
        }
        long left = expiresAtNanos - nowNanos;
        return left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
    }

    /** True once the Message Expiry Interval has passed (MQTT-3.3.2-5). */
    public boolean expired(long nowNanos) {
        return expiresAtNanos != 0 && expiresAtNanos - nowNanos <= 0;
    }
}

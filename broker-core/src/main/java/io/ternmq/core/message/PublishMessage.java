package io.ternmq.core.message;

import java.util.Objects;

/**
 * One accepted PUBLISH, decoded once and shared by every subscriber it fans out to. Immutable: per-delivery
 * wire state (packet id, DUP, delivered QoS) lives in {@link io.ternmq.core.session.Delivery}.
 *
 * @param topic       the topic name
 * @param qos         the publisher's QoS, 0 or 1
 * @param payload     the payload; never modified after construction
 * @param publisherId the client id of the publisher (for logs and No Local later)
 */
public record PublishMessage(String topic, int qos, byte[] payload, String publisherId) {

    public PublishMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (qos < 0 || qos > 1) {
            throw new IllegalArgumentException("qos must be 0 or 1: " + qos);
        }
    }
}

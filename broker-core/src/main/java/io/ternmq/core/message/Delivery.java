package io.ternmq.core.message;

/**
 * A shared message on its way to one subscriber, at the QoS that subscriber gets. The message itself is never
 * copied or changed; the packet id and DUP flag are chosen when it is written.
 *
 * @param shareKey the {@code $share/{group}/{filter}} subscription it was picked for, or null; a shared delivery
 *                 its session never acknowledged goes to another member of the group when the session goes away
 */
public record Delivery(PublishMessage message, int qos, String shareKey) {

    public Delivery(PublishMessage message, int qos) {
        this(message, qos, null);
    }
}

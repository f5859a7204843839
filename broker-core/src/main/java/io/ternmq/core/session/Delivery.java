package io.ternmq.core.session;

import io.ternmq.core.message.PublishMessage;

/**
 * A shared message on its way to one subscriber, at the QoS that subscriber gets. The message itself is never
 * copied or changed; the packet id and DUP flag are chosen when it is written.
 */
public record Delivery(PublishMessage message, int qos) {
}

package io.ternmq.core.routing;

import io.ternmq.core.message.PublishMessage;

/**
 * Takes a client's message before it is routed: an RRPC response belongs to the call waiting for it, not to the
 * subscribers of its topic. Called for every PUBLISH from a client, on the publisher's session owner: quick.
 */
@FunctionalInterface
public interface PublishInterceptor {

    PublishInterceptor NONE = message -> false;

    /** True when the message was taken: it is not routed (a QoS 1 one is acknowledged). */
    boolean intercept(PublishMessage message);
}

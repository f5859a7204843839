package io.ternmq.core.connection;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/** Channel attributes read without creating them. */
public final class Attributes {

    private Attributes() {
    }

    /**
     * The attribute's value, or null when it was never set. Netty's {@code channel.attr(key)} creates the
     * attribute even to read it: about 24 bytes a connection for each key merely looked at.
     */
    public static <T> T peek(Channel channel, AttributeKey<T> key) {
        return channel.hasAttr(key) ? channel.attr(key).get() : null;
    }
}

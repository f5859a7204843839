package io.ternmq.core.connection;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * The client's network address for logs and the authenticator. A TCP channel knows it; a QUIC stream channel
 * does not (its remote address is the stream), so the QUIC transport sets {@link #KEY} to the connection's
 * current path, which changes when the client migrates.
 */
public final class PeerAddress {

    public static final AttributeKey<Supplier<SocketAddress>> KEY = AttributeKey.valueOf("ternmq.peer-address");

    private PeerAddress() {
    }

    public static SocketAddress of(Channel channel) {
        Supplier<SocketAddress> supplier = Attributes.peek(channel, KEY);
        return supplier != null ? supplier.get() : channel.remoteAddress();
    }
}

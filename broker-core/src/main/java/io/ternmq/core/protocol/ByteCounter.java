package io.ternmq.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.ternmq.core.metrics.BrokerMetrics;

/**
 * Counts the MQTT bytes of every connection, in ({@link BrokerMetrics#bytesIn}) and out
 * ({@link BrokerMetrics#bytesOut}), at the front of the MQTT pipeline: after TLS decryption and QUIC stream
 * framing, so what a client's packets weigh, whatever the transport. One instance for every connection.
 */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {

    static final String NAME = "byte-counter";

    private final BrokerMetrics metrics;

    ByteCounter(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            metrics.bytesIn.add(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            metrics.bytesOut.add(buf.readableBytes());
        }
        ctx.write(msg, promise);
    }
}

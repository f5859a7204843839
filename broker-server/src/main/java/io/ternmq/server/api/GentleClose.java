package io.ternmq.server.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes an API connection after its last answer without losing that answer.
 *
 * <p>A plain close while the client is still sending (the rest of a body refused with 413, the bytes after a
 * request that could not be parsed) makes the kernel answer the unread bytes with a reset, and a reset can take
 * the answer with it before the client reads it. So the answer is written, the sending side is shut (the client
 * sees the end of the answer), what still arrives is read and dropped, and the connection is closed when the
 * client closes its side or after {@value #LINGER_MILLIS} ms or {@value #MAX_DISCARDED_BYTES} dropped bytes,
 * whichever comes first.
 */
final class GentleClose extends ChannelInboundHandlerAdapter {

    static final long LINGER_MILLIS = 2_000;
    static final long MAX_DISCARDED_BYTES = 4L << 20;

    private long discarded;

    private GentleClose() {
    }

    /** Writes and flushes {@code answer}, then closes the connection as described above. */
    static void answerAndClose(ChannelHandlerContext ctx, Object answer) {
        Channel channel = ctx.channel();
        ctx.writeAndFlush(answer).addListener((ChannelFuture written) -> {
            if (!written.isSuccess() || !channel.isActive()) {
                channel.close();
                return;
            }
            if (channel.pipeline().get(GentleClose.class) == null) {
                channel.pipeline().addFirst("gentle-close", new GentleClose());
            }
            boolean tls = channel.pipeline().get("tls") != null;
            if (!tls && channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput(); // TLS ends with close_notify at the close instead
            }
            // the client's own close ends it sooner: an end of input closes a channel without half-closure
            channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            channel.config().setAutoRead(true);
            channel.read();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            discarded += bytes.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discarded > MAX_DISCARDED_BYTES) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // nothing goes further
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

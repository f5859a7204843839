package io.ternmq.core.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.ternmq.core.metrics.BrokerMetrics;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code limits.max-connections} across every listener: a connection over the limit is closed as soon as it
 * is accepted, before it can cost more than a socket. A connection within the limit is counted, and the limiter
 * then leaves its pipeline: the count is given back by a listener on the close future, so nothing of the limiter
 * stays in the pipeline of a long-lived connection.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    public static final String NAME = "connection-limit";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int max;
    private final BrokerMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    /** One listener shared by every counted connection: it gives the place back when the channel closes. */
    private final ChannelFutureListener release = closed -> open.decrementAndGet();
    private final java.util.concurrent.atomic.AtomicLong lastWarning =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - 20_000_000_000L);

    public ConnectionLimiter(int max, BrokerMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    public int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            metrics.connectionsOverLimit.increment();
            long now = System.nanoTime();
            long last = lastWarning.get();
            // One warning per 10 s at most: a reconnect storm must not flood the log; the counter has the total.
            if (now - last > 10_000_000_000L && lastWarning.compareAndSet(last, now)) {
                LOG.warn("refusing connections: limits.max-connections ({}) reached ({} refused so far)", max,
                        metrics.connectionsOverLimit.sum());
            }
            ctx.close();
            return;
        }
        // Given back when the channel closes, however it closes: not in channelInactive, which never reaches this
        // handler when the pipeline was torn down first (a client that closes while its connection moves to its
        // session's event loop after CONNECT).
        ctx.channel().closeFuture().addListener(release);
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}

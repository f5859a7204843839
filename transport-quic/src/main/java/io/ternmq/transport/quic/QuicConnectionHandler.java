package io.ternmq.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicPathEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.lang.reflect.Field;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of one QUIC connection (the {@code QuicChannel}, not its streams): counts it against
 * {@code quic.max-connections}, closes it when the handshake does not complete within {@code quic.handshake-timeout},
 * records the handshake's completion for the {@link EarlyDataGate} (when the channel becomes active: quiche then has
 * verified the client's Finished), and logs path changes (connection migration).
 */
final class QuicConnectionHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "quic-connection";

    private static final Logger LOG = LoggerFactory.getLogger(QuicConnectionHandler.class);
    /** Netty's QuicheQuicChannel.streamReadable, or null where this Netty has no such field (see lookAgain). */
    private static final Field STREAM_READABLE = streamReadableField();
    /** How often {@link #lookAgain} looks for a stream that came in 0-RTT, and how far apart after the first. */
    private static final int LOOKS = 4;
    private static final long LOOK_INTERVAL_MILLIS = 2;

    private final QuicStats stats;
    private final int maxConnections;
    private final long handshakeTimeoutMillis;
    private final boolean earlyData;
    private boolean counted;
    /** The handshake was counted in {@link QuicStats}, completed or failed. */
    private boolean handshakeCounted;
    private ScheduledFuture<?> handshakeTimeout;

    /** @param earlyData whether 0-RTT early data is accepted ({@code quic.early-data} not off) */
    QuicConnectionHandler(QuicStats stats, int maxConnections, long handshakeTimeoutMillis, boolean earlyData) {
        this.stats = stats;
        this.maxConnections = maxConnections;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.earlyData = earlyData;
    }

    /** Added when the connection is registered, so the event loop is there for the timer. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        QuicConnectionState.of(ctx.channel());
        if (stats.open.incrementAndGet() > maxConnections) {
            stats.open.decrementAndGet();
            stats.refusedConnections.incrementAndGet();
            LOG.debug("refusing QUIC connection from {}: quic.max-connections ({}) reached",
                    peer(ctx), maxConnections);
            ctx.close();
            return;
        }
        counted = true;
        // Read from the start: Netty reads a connection's streams only after a read() of the connection, which
        // auto-read does at channelActive, the end of the handshake. Asked now, a stream that arrives in 0-RTT early
        // data reaches its pipeline (and the EarlyDataGate) before the handshake completes.
        ctx.read();
        if (earlyData) {
            lookAgain(ctx, LOOKS);
        }
        handshakeTimeout = ctx.executor().schedule(() -> {
            if (!QuicConnectionState.of(ctx.channel()).handshakeDone()) {
                stats.handshakeTimeouts.incrementAndGet();
                handshakeEnded(false);
                LOG.debug("closing QUIC connection from {}: no handshake within {} ms",
                        peer(ctx), handshakeTimeoutMillis);
                ctx.close();
            }
        }, handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Netty 4.2.18 hands a stream to the pipeline only while it processes a received packet. A 0-RTT packet that
     * arrives with (or just after) the client's Initial cannot be decrypted yet when it is received: its keys come
     * with the handshake's next step, which quiche takes when the connection next sends, at the end of the event
     * loop's read. quiche then decrypts the buffered packet, and its stream waits, unseen, for the client's next
     * packet, which comes after the handshake. So, once the event loop's current read and its sends are done, and
     * then a few times 2 ms apart (later sends, an SSL task finished), while the handshake runs and no MQTT stream
     * has come, this marks the channel's streams readable and reads: Netty then hands on a stream that is readable
     * in quiche, and none otherwise. Nothing is done where the field is not found (another Netty): 0-RTT data then
     * waits for the handshake, as it did.
     */
    private static void lookAgain(ChannelHandlerContext ctx, int looks) {
        if (STREAM_READABLE == null) {
            return;
        }
        Runnable look = () -> {
            QuicConnectionState state = QuicConnectionState.of(ctx.channel());
            if (state.handshakeDone() || state.mqttStream() != null || !ctx.channel().isOpen() || ctx.isRemoved()) {
                return;
            }
            try {
                STREAM_READABLE.setBoolean(ctx.channel(), true);
            } catch (IllegalAccessException | IllegalArgumentException e) {
                return;
            }
            ctx.read();
            if (looks > 1) {
                lookAgain(ctx, looks - 1);
            }
        };
        if (looks == LOOKS) {
            ctx.executor().execute(look);
        } else {
            ctx.executor().schedule(look, LOOK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static Field streamReadableField() {
        try {
            Field f = Class.forName("io.netty.handler.codec.quic.QuicheQuicChannel").getDeclaredField("streamReadable");
            f.setAccessible(true);
            return f.getType() == boolean.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("0-RTT streams are read when the next packet comes: {}", e.toString());
            return null;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent completion) {
            // Success here is not the end of the handshake: BoringSSL reports it as soon as the server accepts
            // 0-RTT, before the client's Finished. channelActive (quiche: established) is the real end.
            if (!completion.isSuccess()) {
                handshakeEnded(false);
                // quiche closes the connection itself, with the TLS alert as the error the client sees.
                LOG.debug("QUIC handshake with {} failed: {}", peer(ctx),
                        completion.cause() == null ? "?" : completion.cause().getMessage());
            }
        } else if (evt instanceof QuicPathEvent.PeerMigrated migrated) {
            stats.migrations.incrementAndGet();
            LOG.debug("QUIC connection migrated to {}", migrated.remote());
        } else if (evt instanceof QuicPathEvent path) {
            LOG.debug("QUIC path event on {}: {}", peer(ctx), path);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** A server-side QUIC channel becomes active once quiche has the client's Finished: the handshake is over. */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        cancelTimeout();
        handshakeEnded(true);
        QuicConnectionState.of(ctx.channel()).handshakeCompleted();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelUnregistered();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof javax.net.ssl.SSLHandshakeException) {
            return; // reported by the handshake completion event; quiche closes the connection
        }
        LOG.debug("closing QUIC connection from {}: {}", peer(ctx), cause.toString());
        ctx.close();
    }

    private static Object peer(ChannelHandlerContext ctx) {
        return ((QuicChannel) ctx.channel()).remoteSocketAddress();
    }

    /** Counts the handshake once: completed, or failed (TLS failure, timeout, or the connection gone first). */
    private void handshakeEnded(boolean completed) {
        if (!handshakeCounted) {
            handshakeCounted = true;
            (completed ? stats.handshakesCompleted : stats.handshakesFailed).incrementAndGet();
        }
    }

    private void release() {
        cancelTimeout();
        if (counted) {
            handshakeEnded(false); // a no-op once the handshake was counted
            counted = false;
            stats.open.decrementAndGet();
        }
    }

    private void cancelTimeout() {
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
            handshakeTimeout = null;
        }
    }
}

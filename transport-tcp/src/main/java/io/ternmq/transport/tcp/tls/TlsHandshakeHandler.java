package io.ternmq.transport.tcp.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.ternmq.core.auth.TlsIdentity;
import io.ternmq.tls.ErrorText;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the {@link SslHandler} until the handshake is over. It counts the connection against
 * {@code tls.max-pending-handshakes}, quietly closes connections whose handshake fails, and on success sets the
 * verified client certificate's {@link TlsIdentity} on the channel before any decrypted byte (so before CONNECT)
 * reaches the MQTT handlers. Then it removes itself.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "tls-handshake";

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeHandler.class);
    /** One warning per this many milliseconds while the pending-handshake limit turns connections away. */
    private static final long LIMIT_LOG_INTERVAL_MILLIS = 10_000;
    private static final AtomicLong lastLimitLog = new AtomicLong();

    private final PendingHandshakes pending;
    private boolean counted;
    private boolean finished;

    TlsHandshakeHandler(PendingHandshakes pending) {
        this.pending = pending;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!pending.tryAcquire()) {
            logLimit(ctx);
            finished = true;
            ctx.close();
            return;
        }
        counted = true;
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent completion && !finished) {
            if (completion.isSuccess()) {
                succeed(ctx);
            } else {
                if (!finished && counted) {
                    pending.ended(false);
                }
                finish();
                LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                        ErrorText.of(completion.cause()));
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Decrypted bytes only flow after the handshake; the identity must be on the channel before they move on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!finished) {
            succeed(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!finished && counted) {
            pending.ended(false);
        }
        finish();
        super.channelInactive(ctx);
    }

    /** Failures before the handshake completed: scanners, wrong CAs, plain MQTT sent to the TLS port. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing TLS connection from {} during its handshake: {}", ctx.channel().remoteAddress(),
                ErrorText.of(cause));
        ctx.close();
    }

    private void succeed(ChannelHandlerContext ctx) {
        if (!finished && counted) {
            pending.ended(true);
        }
        finish();
        TlsIdentity identity = clientIdentity(ctx.pipeline().get(SslHandler.class));
        if (identity != null) {
            ctx.channel().attr(TlsIdentity.KEY).set(identity);
            LOG.debug("TLS client {} presented a verified certificate: {}", ctx.channel().remoteAddress(),
                    identity.subject());
        }
        // Removed, the context still forwards the event or message in hand to the next handler.
        ctx.pipeline().remove(this);
    }

    private void finish() {
        if (!finished) {
            finished = true;
            if (counted) {
                pending.release();
            }
        }
    }


    private void logLimit(ChannelHandlerContext ctx) {
        long now = System.currentTimeMillis();
        long last = lastLimitLog.get();
        if (now - last >= LIMIT_LOG_INTERVAL_MILLIS && lastLimitLog.compareAndSet(last, now)) {
            LOG.warn("refusing TLS connection from {}: tls.max-pending-handshakes ({}) reached ({} refused so far)",
                    ctx.channel().remoteAddress(), pending.max(), pending.refused());
        }
    }

    /**
     * The client certificate the engine verified against tls.client-ca-file, or null when the client sent none
     * (the engine fails the handshake for a certificate that does not verify).
     */
    static TlsIdentity clientIdentity(SslHandler ssl) {
        return ssl == null ? null : TlsIdentity.ofPeer(ssl.engine());
    }
}

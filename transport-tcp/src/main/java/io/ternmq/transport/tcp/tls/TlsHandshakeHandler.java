package io.ternmq.transport.tcp.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.ternmq.core.connection.TlsIdentity;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;
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
                finish();
                LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                        PemFiles.message(completion.cause()));
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
        finish();
        super.channelInactive(ctx);
    }

    /** Failures before the handshake completed: scanners, wrong CAs, plain MQTT sent to the TLS port. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing TLS connection from {} during its handshake: {}", ctx.channel().remoteAddress(),
                PemFiles.message(cause));
        ctx.close();
    }

    private void succeed(ChannelHandlerContext ctx) {
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
        if (ssl == null) {
            return null;
        }
        Certificate[] peer;
        try {
            peer = ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate certificate)) {
            return null;
        }
        return new TlsIdentity(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                alternativeNames(certificate), certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                certificate.getSerialNumber().toString(16));
    }

    /** Subject alternative names as "DNS:...", "IP:...", "URI:...", "email:..." (directory names "dirName:..."). */
    static List<String> alternativeNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return names;
        }
        if (entries == null) {
            return names;
        }
        for (List<?> entry : entries) {
            if (entry.size() < 2 || !(entry.get(0) instanceof Integer type) || !(entry.get(1) instanceof String value)) {
                continue; // otherName and x400Address come as DER bytes: not an identity we map
            }
            String prefix = switch (type) {
                case 1 -> "email:";
                case 2 -> "DNS:";
                case 4 -> "dirName:";
                case 6 -> "URI:";
                case 7 -> "IP:";
                case 8 -> "RID:";
                default -> null;
            };
            if (prefix != null) {
                names.add(prefix + value);
            }
        }
        return names;
    }
}

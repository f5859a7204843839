package io.ternmq.transport.tcp.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.ternmq.tls.ReloadableTlsContext;
import io.ternmq.transport.tcp.ListenerFront;

/**
 * MQTT over TLS: an {@link SslHandler} from the context current at accept time, with the handshake timeout, and
 * the {@link TlsHandshakeHandler} behind it. The MQTT pipeline after it is the same as for plain TCP:
 * <pre>
 *   tls, tls-handshake (until the handshake is over), connection-limit, ... (MqttPipelineInstaller)
 * </pre>
 */
public final class TlsFront implements ListenerFront {

    public static final String TRANSPORT = "tls";
    public static final String SSL = "tls";
    public static final String HANDSHAKE = TlsHandshakeHandler.NAME;

    private final ReloadableTlsContext context;
    private final PendingHandshakes pending;
    private final long handshakeTimeoutMillis;

    public TlsFront(ReloadableTlsContext context) {
        this.context = context;
        this.pending = new PendingHandshakes(context.config().maxPendingHandshakes());
        this.handshakeTimeoutMillis = context.config().handshakeTimeout().toMillis();
    }

    @Override
    public String transport() {
        return TRANSPORT;
    }

    @Override
    public String description() {
        return "MQTT over TLS";
    }

    @Override
    public String details() {
        return context.description();
    }

    @Override
    public void addTo(Channel channel) {
        SslHandler ssl = context.current().newHandler(channel.alloc());
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        channel.pipeline().addLast(SSL, ssl);
        channel.pipeline().addLast(HANDSHAKE, new TlsHandshakeHandler(pending));
    }

    /** TLS handshakes completed on this listener since start. */
    public long handshakesCompleted() {
        return pending.completed();
    }

    /** TLS handshakes that failed, or whose client left before they completed, since start. */
    public long handshakesFailed() {
        return pending.failed();
    }

    /** TLS connections in their handshake right now. */
    public int pendingHandshakes() {
        return pending.pending();
    }
}

package io.ternmq.core.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ternmq.core.codec.MqttDecodeException;
import io.ternmq.core.connection.PeerAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prelude of one connection: waits for CONNECT (closing a socket that sends none in time), moves a TCP
 * connection to the event loop that owns its client id's session, and hands the CONNECT to the broker's
 * {@link ConnectAcceptor}, which refuses it or replaces this handler with the protocol handler of the client's
 * version.
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "connect";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private final ConnectAcceptor acceptor;
    private final String transport;
    private final long connectTimeoutMillis;
    private ScheduledFuture<?> connectTimeout;
    /** The client id the broker assigned (an empty one in CONNECT), kept so a replayed CONNECT gets the same. */
    private String assignedClientId;
    /** Packets read while the channel moves to its session's event loop, replayed there in order; else null. */
    private List<Object> held;

    ConnectHandler(ConnectAcceptor acceptor, String transport, long connectTimeoutMillis) {
        this.acceptor = acceptor;
        this.transport = transport;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            scheduleConnectTimeout(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        scheduleConnectTimeout(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
        releaseHeld(); // the pipeline was torn down (the channel closed) while it moved
    }

    private void scheduleConnectTimeout(ChannelHandlerContext ctx) {
        if (connectTimeout == null) {
            connectTimeout = ctx.executor().schedule(() -> acceptor.timedOut(ctx, connectTimeoutMillis),
                    connectTimeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            held.add(msg); // decoded in the same read as CONNECT: replayed behind it on the session's loop
            return;
        }
        try {
            MqttMessage message = (MqttMessage) msg;
            if (Disconnector.closing(ctx.channel())) {
                return; // after a refused CONNECT nothing else is processed (3.1.1 MQTT-3.1.4-5, 5.0 MQTT-3.1.4-6)
            }
            if (message.decoderResult().isFailure()) {
                acceptor.undecodable(ctx, (MqttDecodeException) message.decoderResult().cause());
            } else if (message.fixedHeader().messageType() != MqttMessageType.CONNECT) {
                // MQTT-3.1.0-1: the first packet from the client must be CONNECT.
                Disconnector.markClosing(ctx.channel());
                acceptor.firstPacketNotConnect(ctx, message.fixedHeader().messageType());
            } else {
                MqttConnectMessage connect = (MqttConnectMessage) message;
                if (!moveToSessionLoop(ctx, connect)) {
                    acceptor.connect(ctx, this, connect, sessionClientId(connect), transport);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A socket error before CONNECT (a reset, say) ends this connection only, without a warning per client.
        LOG.debug("closing connection from {} before CONNECT after an error", PeerAddress.of(ctx.channel()), cause);
        ctx.close();
    }

    /** The client id the session is found by: the client's, or one assigned for an empty one (MQTT-3.1.3-6). */
    private String sessionClientId(MqttConnectMessage connect) {
        String clientId = acceptor.sessionClientId(connect.payload().clientIdentifier());
        if (!clientId.isEmpty()) {
            return clientId;
        }
        if (assignedClientId == null) {
            assignedClientId = "ternmq-" + UUID.randomUUID();
        }
        return assignedClientId;
    }

    /**
     * Moves a TCP connection to the event loop that owns its client id's session, so its packets reach the
     * session and the session's writes reach the socket without a thread hop. Reading stops, the CONNECT and
     * whatever was decoded with it are held, the channel is deregistered and registered on the session's loop,
     * and there the held packets are replayed in order and reading resumes. Returns false when there is nothing
     * to move (already there, a QUIC stream, which stays on its connection's loop, or a test channel).
     */
    private boolean moveToSessionLoop(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        Channel channel = ctx.channel();
        EventLoop target = acceptor.loopOf(sessionClientId(connect));
        if (target == null || target == channel.eventLoop() || !(channel instanceof SocketChannel)
                || target.parent() != channel.eventLoop().parent() || !channel.isActive()) {
            return false;
        }
        acceptor.moved();
        held = new ArrayList<>(2);
        held.add(ReferenceCountUtil.retain(connect));
        channel.config().setAutoRead(false);
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                dropHeld(channel, deregistered.cause());
                return;
            }
            target.register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    dropHeld(channel, registered.cause());
                    return;
                }
                List<Object> replay = held;
                held = null;
                replay(channel, replay);
                // The replayed CONNECT may be waiting for its sign-in, holding what follows: reading waits too.
                if (!Disconnector.closing(channel) && held == null) {
                    channel.config().setAutoRead(true);
                }
            });
        });
        return true;
    }

    /**
     * The CONNECT waits for its sign-in off the event loop: reading stops, and what was decoded with it is held
     * (at most one read's packets) until {@link #stopHolding}.
     */
    void hold(ChannelHandlerContext ctx) {
        held = new ArrayList<>(2);
        ctx.channel().config().setAutoRead(false);
    }

    /** The sign-in was judged: the packets held behind the CONNECT, for {@link #replay}; null when none were. */
    List<Object> stopHolding() {
        List<Object> taken = held;
        held = null;
        return taken;
    }

    /** Fires held packets through the pipeline again, from the decoder on, to whichever handler follows it now. */
    static void replay(Channel channel, List<Object> messages) {
        if (messages == null || messages.isEmpty()) {
            return;
        }
        ChannelHandlerContext decoder = channel.pipeline().context(MqttPipelineInstaller.DECODER);
        if (decoder == null) {
            messages.forEach(ReferenceCountUtil::release); // the pipeline is gone: the channel closed
            return;
        }
        for (Object message : messages) {
            decoder.fireChannelRead(message);
        }
        decoder.fireChannelReadComplete();
    }

    private void dropHeld(Channel channel, Throwable cause) {
        LOG.debug("closing connection from {}: could not move it to its session's event loop",
                PeerAddress.of(channel), cause);
        releaseHeld();
        channel.close();
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }
}

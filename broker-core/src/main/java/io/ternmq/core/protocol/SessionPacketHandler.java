package io.ternmq.core.protocol;

import io.ternmq.core.codec.MqttDecodeException;
import io.ternmq.core.codec.ReasonCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.core.Broker;
import io.ternmq.core.session.Session;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What MQTT 3.x and 5.0 share after CONNECT: the packet dispatch, PINGREQ, acknowledgements, the keepalive
 * watchdog, socket writability and the end of the connection. The version-specific packets are the subclass's
 * (BifroMQ-style: the connect handler installs the right one, so nothing here asks "is this 5.0?").
 */
abstract class SessionPacketHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionPacketHandler.class);
    private static final MqttMessage PINGRESP =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));

    protected final Broker broker;
    protected final ClientConnection connection;
    /** The keepalive watchdog: 1.5 times the clamped keepalive, as nanoseconds of the channel's clock. */
    private final long keepaliveNanos;
    private Ticker clock;
    private long lastReadNanos;
    private ScheduledFuture<?> keepaliveCheck;

    SessionPacketHandler(Broker broker, ClientConnection connection, long keepaliveMillis) {
        this.broker = broker;
        this.connection = connection;
        this.keepaliveNanos = TimeUnit.MILLISECONDS.toNanos(keepaliveMillis);
    }

    /**
     * Starts the keepalive watchdog (MQTT-3.1.2-24). It lives here rather than in an IdleStateHandler of its own:
     * one handler context, one handler and one task object fewer for every connection (about 200 bytes each at
     * tens of thousands of idle devices).
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (keepaliveNanos > 0) {
            clock = ctx.executor().ticker();
            lastReadNanos = clock.nanoTime();
            checkKeepaliveIn(ctx, keepaliveNanos);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (keepaliveCheck != null) {
            keepaliveCheck.cancel(false);
        }
    }

    /** The keepalive watchdog's period (1.5 times the clamped keepalive), for tests. */
    long keepaliveMillis() {
        return TimeUnit.NANOSECONDS.toMillis(keepaliveNanos);
    }

    private void checkKeepalive(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        long idle = clock.nanoTime() - lastReadNanos;
        if (idle >= keepaliveNanos) {
            // MQTT-3.1.2-22: one and a half keepalive periods without a packet.
            broker.disconnector().close(ctx, connection.clientId(), ReasonCode.KEEP_ALIVE_TIMEOUT,
                    "keepalive expired");
        } else {
            checkKeepaliveIn(ctx, keepaliveNanos - idle);
        }
    }

    private void checkKeepaliveIn(ChannelHandlerContext ctx, long nanos) {
        keepaliveCheck = ctx.executor().schedule(() -> checkKeepalive(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (clock != null) {
            lastReadNanos = clock.nanoTime(); // once per read, not per packet
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            MqttMessage message = (MqttMessage) msg;
            if (Disconnector.closing(ctx.channel())) {
                return; // the broker already decided to close: nothing more from this client is acted on
            }
            if (message.decoderResult().isFailure()) {
                malformed(ctx, (MqttDecodeException) message.decoderResult().cause());
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
                case PUBACK -> {
                    int packetId = message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply
                            ? reply.messageId() : ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
                    submit(ctx, session -> session.acknowledged(packetId));
                }
                case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
                case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) message);
                // Through the owner, so it can never overtake the CONNACK (MQTT-3.2.0-1).
                case PINGREQ -> submit(ctx, session -> reply(PINGRESP));
                case DISCONNECT -> disconnect(ctx, message);
                // MQTT-3.1.0-2: a second CONNECT is a protocol violation.
                case CONNECT -> violation(ctx, ReasonCode.PROTOCOL_ERROR, "second CONNECT on one connection");
                default -> violation(ctx, ReasonCode.PROTOCOL_ERROR,
                        message.fixedHeader().messageType() + " is not accepted from a client");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    protected abstract void publish(ChannelHandlerContext ctx, MqttPublishMessage publish);

    protected abstract void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe);

    protected abstract void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe);

    protected abstract void disconnect(ChannelHandlerContext ctx, MqttMessage disconnect);

    /**
     * A protocol violation: nothing more from this client is acted on from now, and the DISCONNECT (MQTT 5) and
     * close go through the session's owner, behind the CONNACK it may still owe (MQTT-3.2.0-1).
     */
    protected final void violation(ChannelHandlerContext ctx, byte reasonCode, String reason) {
        Disconnector.markClosing(ctx.channel());
        ctx.channel().config().setAutoRead(false);
        connection.owner().executeAlways(
                () -> broker.disconnector().violation(ctx, connection.clientId(), reasonCode, reason));
    }

    /**
     * A packet the decoder refused (MQTT-4.13.1-1): MQTT 5 gets DISCONNECT with its reason code (0x81 Malformed
     * Packet, 0x82 Protocol Error, 0x95 Packet Too Large, MQTT-3.2.2-15) and a Reason String naming the field;
     * 3.x is closed. Counted and logged under its own cause, behind a CONNACK still owed, as {@link #violation}.
     */
    private void malformed(ChannelHandlerContext ctx, MqttDecodeException cause) {
        Disconnector.markClosing(ctx.channel());
        ctx.channel().config().setAutoRead(false);
        connection.owner().executeAlways(() -> broker.disconnector().malformed(ctx, connection.clientId(), cause));
    }

    /** Runs work on the session's owner; a connection whose owner cannot take more is closed. */
    protected final void submit(ChannelHandlerContext ctx, Consumer<Session> work) {
        if (!connection.submit(work)) {
            broker.metrics().droppedOwnerBusy.increment();
            broker.disconnector().close(ctx, connection.clientId(), ReasonCode.SERVER_UNAVAILABLE,
                    "session owner overloaded");
        }
    }

    /** Writes and flushes from the owner thread. */
    protected final void reply(MqttMessage message) {
        connection.write(message);
        connection.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            connection.submitAlways(Session::writable); // never lost: the queue would wait for the next ack
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connection.closed(); // the keepalive check is cancelled in handlerRemoved, when the closed pipeline goes
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing client {} after an error", connection.clientId(), cause);
        ctx.close();
    }

    static String abbreviate(String topic) {
        return io.ternmq.core.log.LogText.of(topic);
    }
}

package io.ternmq.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.ternmq.core.codec.MqttDecodeException;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.log.LogText;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.policy.Verdict;
import io.ternmq.core.routing.Router;
import io.ternmq.core.session.Session;
import io.ternmq.core.trace.MessageTrace;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What MQTT 3.x and 5.0 share after CONNECT: the packet dispatch, the PUBLISH, SUBSCRIBE and UNSUBSCRIBE flows
 * with the platform's verdicts, PINGREQ, acknowledgements, the keepalive watchdog, socket writability and the end
 * of the connection. How a verdict reaches the client, and what only one version has (topic aliases, properties,
 * reason codes), is the subclass's: the connect handler installs the right one, so nothing here asks "is this 5.0?"
 * (BifroMQ's way).
 */
abstract class SessionPacketHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionPacketHandler.class);
    private static final MqttMessage PINGRESP =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));

    protected final ClientConnection connection;
    protected final PlatformPolicy policy;
    private final Router router;
    private final Disconnector disconnector;
    private final MessageTrace trace;
    protected final BrokerMetrics metrics;
    /** The PUBACKs this connection owes, sent in the order the PUBLISHes came. On the owner. */
    private final PubAcks pubAcks;
    /** The keepalive watchdog: 1.5 times the clamped keepalive, as nanoseconds of the channel's clock. */
    private final long keepaliveNanos;
    private Ticker clock;
    private long lastReadNanos;
    private ScheduledFuture<?> keepaliveCheck;
    /**
     * On a data stream of a multi-stream QUIC connection, the handler of its control stream (on the same event
     * loop: the streams of a QUIC connection share it); null on the control stream and on every other transport.
     */
    private SessionPacketHandler control;

    SessionPacketHandler(ClientConnection connection, long keepaliveMillis, PlatformPolicy policy, Router router,
                         Disconnector disconnector, MessageTrace trace, BrokerMetrics metrics) {
        this.connection = connection;
        this.policy = policy;
        this.router = router;
        this.disconnector = disconnector;
        this.trace = trace;
        this.metrics = metrics;
        this.keepaliveNanos = TimeUnit.MILLISECONDS.toNanos(keepaliveMillis);
        this.pubAcks = new PubAcks(this::sendPubAck, connection::readingPaused, metrics.pubAckLatency());
    }

    // ---- what differs between versions ----

    /** The PUBLISH's topic (5.0: after its topic alias); null once it was refused. */
    protected abstract String topic(ChannelHandlerContext ctx, MqttPublishMessage publish);

    /** The properties forwarded with the message; {@link MessageProperties#NONE} in 3.x. */
    protected abstract MessageProperties properties(MqttPublishMessage publish);

    /** When the message expires, as {@link System#nanoTime()}, or 0 for never. */
    protected abstract long expiresAtNanos(MqttPublishMessage publish);

    /** 5.0: counts a QoS 1 PUBLISH against the broker's Receive Maximum; false once it was refused. */
    protected boolean admitted(ChannelHandlerContext ctx, int qos) {
        return true;
    }

    /** The QoS 1 PUBLISH counted by {@link #admitted} is being acknowledged. On the owner. */
    protected void acknowledging() {
    }

    /** The PUBACK for a QoS 1 PUBLISH; a 3.x PUBACK carries no reason code and so acknowledges either way. */
    protected abstract MqttMessage pubAck(int packetId, byte reasonCode, String reason);

    /** 5.0: a SUBSCRIBE that must be refused as a whole (a Subscription Identifier); false once it was. */
    protected boolean subscribeAllowed(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        return true;
    }

    /** The SUBACK return code of a refused filter: 5.0 the reason code, 3.1.1 0x80. */
    protected abstract int subAckFailure(byte reasonCode);

    protected abstract MqttMessage subAck(int packetId, int[] codes);

    protected abstract MqttMessage unsubAck(int packetId, short[] codes);

    protected abstract void disconnect(ChannelHandlerContext ctx, MqttMessage disconnect);

    /** A handler of this version for another connection, without a keepalive watchdog of its own. */
    protected abstract SessionPacketHandler sibling(ClientConnection connection, Router router,
                                                    Disconnector disconnector, MessageTrace trace);

    // ---- data streams (multi-stream MQTT over QUIC) ----

    /**
     * The handler of a data stream of this control stream's QUIC connection: it takes PUBLISH, PUBACK, SUBSCRIBE,
     * UNSUBSCRIBE and PINGREQ, answers on its own stream, and what it reads counts for the control stream's
     * keepalive.
     */
    final SessionPacketHandler dataStream(ClientConnection stream) {
        SessionPacketHandler handler = sibling(stream, router, disconnector, trace);
        handler.control = this;
        return handler;
    }

    /** The connection this handler serves. */
    final ClientConnection connection() {
        return connection;
    }

    /** A data stream of this connection read something: the client is alive. On the event loop. */
    private void heardOnDataStream(long nanos) {
        if (clock != null) {
            lastReadNanos = clock.nanoTime();
        }
        connection.heard(nanos);
    }

    private static boolean dataStreamPacket(MqttMessageType type) {
        return switch (type) {
            case PUBLISH, PUBACK, SUBSCRIBE, UNSUBSCRIBE, PINGREQ -> true;
            default -> false;
        };
    }

    // ---- keepalive ----

    /**
     * Starts the keepalive watchdog (3.1.1 MQTT-3.1.2-24, 5.0 MQTT-3.1.2-22). It lives here rather than in an
     * IdleStateHandler of its own: one handler context, one handler and one task object fewer for every connection
     * (about 200 bytes each at tens of thousands of idle devices).
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
            disconnector.close(ctx, connection.clientId(), ReasonCode.KEEP_ALIVE_TIMEOUT, "keepalive expired");
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
        long now = System.nanoTime();
        connection.heard(now);
        if (control != null) {
            control.heardOnDataStream(now);
        }
        super.channelReadComplete(ctx);
    }

    // ---- dispatch ----

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
            MqttMessageType type = message.fixedHeader().messageType();
            if (control != null && !dataStreamPacket(type)) {
                // EMQX's multi-stream mode: the connection's life (CONNECT, DISCONNECT, AUTH) is the control
                // stream's. This stream ends; the session and its other streams go on.
                violation(ctx, ReasonCode.PROTOCOL_ERROR, type + " on a data stream: it belongs on the control stream");
                return;
            }
            switch (type) {
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

    // ---- PUBLISH ----

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        MqttFixedHeader fixed = publish.fixedHeader();
        int qos = fixed.qosLevel().value();
        String topic = topic(ctx, publish);
        if (topic == null) {
            return;
        }
        int packetId = publish.variableHeader().packetId();
        ByteBuf payload = publish.content();
        MessageProperties properties = properties(publish);
        Verdict verdict = policy.publish(topic, qos, fixed.isRetain(), payload.readableBytes(), properties);
        if (verdict.outcome() == Verdict.Outcome.REFUSE) {
            metrics.refused(verdict.rule());
            violation(ctx, verdict.reasonCode(), verdict.reason());
            return;
        }
        if (!admitted(ctx, qos)) {
            return;
        }
        metrics.publishesReceived[qos].increment();
        if (!connection.permissions().mayPublish(topic)) {
            // Not delivered and counted; 5.0 is told with PUBACK 0x87, 3.x has no negative PUBACK.
            metrics.publishesDenied.increment();
            LOG.debug("not delivering PUBLISH of {} to '{}': not authorized", LogText.of(connection.clientId()),
                    LogText.of(topic));
            if (qos == 1) {
                submit(ctx, session -> pubAcks.add(packetId, 0).ready(ReasonCode.NOT_AUTHORIZED,
                        "not authorized to publish to this topic"));
            }
            return;
        }
        if (verdict.outcome() == Verdict.Outcome.NOT_DELIVERED) {
            // A per-message limit, not a protocol error: not delivered, counted, the connection stays up.
            metrics.droppedPlatformRule.increment();
            metrics.refused(verdict.rule());
            LOG.debug("not delivering PUBLISH of {} to '{}': {}", LogText.of(connection.clientId()),
                    LogText.of(topic), verdict.reason());
            if (qos == 1) {
                submit(ctx, session -> pubAcks.add(packetId, 0).ready(verdict.reasonCode(), verdict.reason()));
            }
            return;
        }
        // The decoder made the payload a heap buffer of exactly its bytes: the message takes its array as it is.
        PublishMessage message = new PublishMessage(topic, qos,
                ByteBufUtil.getBytes(payload, payload.readerIndex(), payload.readableBytes(), false),
                connection.clientId(), properties, expiresAtNanos(publish));
        if (trace.traces(connection.clientId(), topic)) {
            trace.publish(connection.clientId(), connection.protocolLevel(), connection.transport(), message);
        }
        if (qos == 0) {
            submit(ctx, session -> router.route(message));
            return;
        }
        submit(ctx, session -> {
            PubAcks.Pending ack = pubAcks.add(packetId, message.weight());
            // Acknowledged = durable: the PUBACK waits until every persistent session it reached has it stored.
            if (router.route(message, () -> connection.owner().executeAlways(() -> ack.ready(ReasonCode.SUCCESS,
                    null))) == Router.STORE_FULL) {
                ack.ready(ReasonCode.QUOTA_EXCEEDED, "the store is full"); // 3.x: acknowledged, not delivered
            }
        });
    }

    // ---- SUBSCRIBE and UNSUBSCRIBE ----

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        if (!subscribeAllowed(ctx, subscribe)) {
            return;
        }
        List<MqttTopicSubscription> requested = subscribe.payload().topicSubscriptions();
        PlatformPolicy.Subscription[] subscriptions = new PlatformPolicy.Subscription[requested.size()];
        boolean[] noLocal = new boolean[requested.size()];
        boolean[] denied = new boolean[requested.size()];
        for (int i = 0; i < requested.size(); i++) {
            MqttTopicSubscription s = requested.get(i);
            subscriptions[i] = policy.subscription(s.topicFilter(), s.option().qos().value());
            denied[i] = subscriptions[i].granted()
                    && !connection.permissions().maySubscribe(subscriptions[i].filter().trieFilter());
            noLocal[i] = s.option().isNoLocal(); // always false from a 3.x client
            if (subscriptions[i].granted() && subscriptions[i].filter().shared() && noLocal[i]) {
                violation(ctx, ReasonCode.PROTOCOL_ERROR, "No Local on a shared subscription"); // MQTT-3.8.3-4
                return;
            }
        }
        int packetId = subscribe.variableHeader().messageId();
        submit(ctx, session -> {
            int[] codes = new int[subscriptions.length];
            for (int i = 0; i < codes.length; i++) {
                PlatformPolicy.Subscription s = subscriptions[i];
                if (!s.granted()) {
                    codes[i] = subAckFailure(s.refusal());
                } else if (denied[i]) {
                    metrics.subscriptionsDenied.increment();
                    codes[i] = subAckFailure(ReasonCode.NOT_AUTHORIZED);
                } else if (!policy.subscriptionWithinQuota(session.subscriptionCount(),
                        session.hasSubscription(s.filter().full()))) {
                    codes[i] = subAckFailure(ReasonCode.QUOTA_EXCEEDED); // limits.max-subscriptions-per-session
                } else {
                    session.subscribe(s.filter(), s.grantedQos(), noLocal[i]);
                    codes[i] = s.grantedQos();
                }
            }
            reply(subAck(packetId, codes));
        });
    }

    private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        List<String> filters = List.copyOf(unsubscribe.payload().topics());
        int packetId = unsubscribe.variableHeader().messageId();
        submit(ctx, session -> {
            short[] codes = new short[filters.size()];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = session.unsubscribe(filters.get(i)) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED;
            }
            reply(unsubAck(packetId, codes));
        });
    }

    // ---- closing ----

    /**
     * A protocol violation: nothing more from this client is acted on from now, and the DISCONNECT (MQTT 5) and
     * close go through the session's owner, behind the CONNACK it may still owe (MQTT-3.2.0-1).
     */
    protected final void violation(ChannelHandlerContext ctx, byte reasonCode, String reason) {
        Disconnector.markClosing(ctx.channel());
        ctx.channel().config().setAutoRead(false);
        connection.owner().executeAlways(() -> disconnector.violation(ctx, connection.clientId(), reasonCode, reason));
    }

    /**
     * A packet the decoder refused (MQTT-4.13.1-1): MQTT 5 gets DISCONNECT with its reason code (0x81 Malformed
     * Packet, 0x82 Protocol Error, 0x95 Packet Too Large, MQTT-3.2.2-15) and a Reason String naming the field;
     * 3.x is closed. Counted and logged under its own cause, behind a CONNACK still owed, as {@link #violation}.
     */
    private void malformed(ChannelHandlerContext ctx, MqttDecodeException cause) {
        Disconnector.markClosing(ctx.channel());
        ctx.channel().config().setAutoRead(false);
        connection.owner().executeAlways(() -> disconnector.malformed(ctx, connection.clientId(), cause));
    }

    /** Runs work on the session's owner; a connection whose owner cannot take more is closed. */
    protected final void submit(ChannelHandlerContext ctx, Consumer<Session> work) {
        if (!connection.submit(work)) {
            metrics.droppedOwnerBusy.increment();
            disconnector.close(ctx, connection.clientId(), ReasonCode.SERVER_UNAVAILABLE, "session owner overloaded");
        }
    }

    /** On the owner: a PUBACK whose turn came. */
    private void sendPubAck(int packetId, byte reasonCode, String reason) {
        acknowledging(); // before the PUBACK, or the client's next PUBLISH may count one too many
        reply(pubAck(packetId, reasonCode, reason));
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
        LOG.debug("closing client {} after an error", LogText.of(connection.clientId()), cause);
        ctx.close();
    }
}

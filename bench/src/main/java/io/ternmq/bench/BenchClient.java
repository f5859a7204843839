package io.ternmq.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;

/**
 * One MQTT client connection of the load generator. It sends CONNECT when the socket is up and, for a
 * subscriber, SUBSCRIBE after CONNACK; {@link #ready()} completes when that is done. Received PUBLISH packets
 * are checked against their {@link Streams} and acknowledged (QoS 1); PUBACKs and writability go to the
 * client's {@link Publisher}, if it has one. PINGREQ keeps an otherwise silent connection alive.
 */
final class BenchClient extends ChannelInboundHandlerAdapter {

    /** Session Expiry Interval an MQTT 5 client asks for when it keeps its session (--clean false). */
    private static final int SESSION_EXPIRY_SECONDS = 3600;

    private final String clientId;
    private final Credentials.Login login;
    private final Options options;
    private final Stats stats;
    private final String filter;
    private final Streams streams;
    private final Publisher publisher;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Channel channel;
    private long connectStartNanos;
    private boolean flushPending;

    /**
     * @param filter    the subscription of a subscriber, else null
     * @param streams   where a subscriber checks what it receives, else null
     * @param publisher the publishing side of a publisher, else null
     */
    BenchClient(String clientId, Options options, Stats stats, String filter, Streams streams, Publisher publisher) {
        this(new Credentials.Login(clientId, null, null), options, stats, filter, streams, publisher);
    }

    /** With what the client signs in with: its client id, and the user name and password if it has them. */
    BenchClient(Credentials.Login login, Options options, Stats stats, String filter, Streams streams,
                Publisher publisher) {
        this.clientId = login.clientId();
        this.login = login;
        this.options = options;
        this.stats = stats;
        this.filter = filter;
        this.streams = streams;
        this.publisher = publisher;
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    Publisher publisher() {
        return publisher;
    }

    /** Where a subscriber checks what it receives; null for other clients. */
    Streams streams() {
        return streams;
    }

    /** The connection, once the socket is up. */
    Channel channel() {
        return channel;
    }

    /** Marks the start of the connect, so the connect latency includes the TCP (and TLS) handshake. */
    void connectStarted(long nanos) {
        connectStartNanos = nanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                .clientId(clientId)
                .protocolVersion(options.mqttVersion() == 5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1)
                .cleanSession(options.cleanSession())
                .keepAlive(options.keepalive())
                .username(login.username())
                .password(login.password());
        if (options.mqttVersion() == 5 && !options.cleanSession()) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                    SESSION_EXPIRY_SECONDS));
            connect.properties(properties);
        }
        ctx.writeAndFlush(connect.build());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            MqttMessage message = (MqttMessage) msg;
            if (message.decoderResult().isFailure()) {
                fail(ctx, "malformed packet from the broker: " + message.decoderResult().cause());
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case CONNACK -> connAck(ctx, (MqttConnAckMessage) message);
                case SUBACK -> subAck(ctx, (MqttSubAckMessage) message);
                case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
                case PUBACK -> {
                    if (publisher != null) {
                        publisher.acknowledged(messageId(message));
                    }
                }
                case PINGRESP -> { }
                case DISCONNECT -> stats.errors.increment();
                default -> stats.errors.increment();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage connAck) {
        MqttConnectReturnCode code = connAck.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            stats.refused.increment();
            fail(ctx, "CONNACK " + code);
            return;
        }
        stats.recordConnect(System.nanoTime() - connectStartNanos);
        stats.connected.increment();
        if (filter == null) {
            ready.complete(null);
            return;
        }
        ctx.writeAndFlush(MqttMessageBuilders.subscribe()
                .messageId(1)
                .addSubscription(MqttQoS.valueOf(options.qos()), filter)
                .build());
    }

    private void subAck(ChannelHandlerContext ctx, MqttSubAckMessage subAck) {
        int granted = subAck.payload().grantedQoSLevels().get(0);
        if (granted >= 0x80) {
            fail(ctx, "SUBACK 0x" + Integer.toHexString(granted) + " for " + filter);
            return;
        }
        ready.complete(null);
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        long now = BenchClock.now();
        Payload.Stamp stamp = Payload.read(publish.content());
        if (streams == null || stamp == null) {
            stats.errors.increment();
        } else {
            stats.recordLatency(now - stamp.sentNanos());
            streams.record(stamp.publisher(), stamp.sequence());
        }
        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.write(new MqttPubAckMessage(
                    new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(publish.variableHeader().packetId())));
            flushPending = true; // one flush per read batch, in channelReadComplete
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (publisher != null && ctx.channel().isWritable()) {
            publisher.pump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.writeAndFlush(MqttMessage.PINGREQ);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (publisher != null) {
            publisher.stop();
        }
        if (ready.isDone()) {
            stats.dropped.increment(); // BenchRun closes its clients only after the counts are taken
        } else {
            ready.completeExceptionally(new IllegalStateException("connection closed before it was ready"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause.toString());
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        stats.errors.increment();
        ready.completeExceptionally(new IllegalStateException(clientId + ": " + why));
        ctx.close();
    }

    private static int messageId(MqttMessage message) {
        Object header = message.variableHeader();
        return header instanceof MqttPubReplyMessageVariableHeader reply ? reply.messageId()
                : ((MqttMessageIdVariableHeader) header).messageId();
    }
}

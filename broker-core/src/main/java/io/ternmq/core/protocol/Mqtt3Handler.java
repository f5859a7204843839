package io.ternmq.core.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.core.Broker;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.topic.TopicCheck;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1 and 3.1.1 after a successful CONNECT. Checks each packet on the event loop (cheap, and a violation
 * closes only this connection), copies what the session needs out of the ByteBuf, and hands the work to the
 * session's owner. PINGREQ is answered right here.
 */
final class Mqtt3Handler extends ChannelInboundHandlerAdapter {

    static final String NAME = "mqtt3";

    private static final Logger LOG = LoggerFactory.getLogger(Mqtt3Handler.class);
    private static final int SUBACK_FAILURE = 0x80;

    private final Broker broker;
    private final ClientConnection connection;

    Mqtt3Handler(Broker broker, ClientConnection connection) {
        this.broker = broker;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            MqttMessage message = (MqttMessage) msg;
            if (message.decoderResult().isFailure()) {
                violation(ctx, "malformed packet: " + message.decoderResult().cause().getMessage());
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
                case PUBACK -> {
                    int packetId = ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
                    submit(ctx, session -> session.acknowledged(packetId));
                }
                case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
                case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) message);
                case PINGREQ -> ctx.writeAndFlush(new MqttMessage(
                        new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
                case DISCONNECT -> ctx.close(); // MQTT-3.14.4-1; there is no will to discard in this broker
                // MQTT-3.1.0-2: a second CONNECT is a protocol violation.
                case CONNECT -> violation(ctx, "second CONNECT on one connection");
                default -> violation(ctx, message.fixedHeader().messageType() + " is not accepted from a client");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        MqttFixedHeader fixed = publish.fixedHeader();
        String topic = publish.variableHeader().topicName();
        int qos = fixed.qosLevel().value();
        if (qos > 1) {
            violation(ctx, "QoS 2 PUBLISH is not supported");
            return;
        }
        if (fixed.isRetain() && broker.policy().refusesRetain()) {
            violation(ctx, "retained messages are not supported");
            return;
        }
        TopicCheck check = broker.policy().checkTopicName(topic);
        if (check == TopicCheck.EMPTY || check == TopicCheck.WILDCARD_IN_NAME || check == TopicCheck.NULL_CHARACTER) {
            violation(ctx, "invalid topic name: " + check.describe()); // MQTT-3.3.2-1, MQTT-3.3.2-2
            return;
        }
        int packetId = publish.variableHeader().packetId();
        ByteBuf payload = publish.content();
        broker.metrics().publishesReceived.increment();
        if (!check.ok() || !broker.policy().payloadAllowed(payload.readableBytes())) {
            // A platform limit, not a protocol error: not delivered, counted, the connection stays up. MQTT 3.x
            // has no negative PUBACK, so QoS 1 is still acknowledged or the client would resend it forever.
            broker.metrics().droppedPlatformRule.increment();
            LOG.debug("not delivering PUBLISH of {} to '{}': {}", connection.clientId(), abbreviate(topic),
                    check.ok() ? "payload larger than limits.max-payload" : check.describe());
            if (qos == 1) {
                submit(ctx, session -> {
                    connection.write(pubAck(packetId));
                    connection.flush();
                });
            }
            return;
        }
        PublishMessage message = new PublishMessage(topic, qos, ByteBufUtil.getBytes(payload),
                connection.clientId());
        submit(ctx, session -> {
            broker.router().route(message);
            if (qos == 1) {
                connection.write(pubAck(packetId));
                connection.flush();
            }
        });
    }

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        int packetId = subscribe.variableHeader().messageId();
        List<MqttTopicSubscription> requested = subscribe.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            violation(ctx, "SUBSCRIBE without a topic filter"); // MQTT-3.8.3-3
            return;
        }
        List<String> filters = new ArrayList<>(requested.size());
        int[] granted = new int[requested.size()];
        for (int i = 0; i < requested.size(); i++) {
            MqttTopicSubscription s = requested.get(i);
            filters.add(s.topicFilter());
            boolean accepted = broker.policy().checkTopicFilter(s.topicFilter()).ok()
                    && !s.topicFilter().startsWith("$share/"); // shared subscriptions arrive with MQTT 5
            granted[i] = accepted ? broker.policy().grantedQos(s.qualityOfService().value()) : SUBACK_FAILURE;
        }
        submit(ctx, session -> {
            for (int i = 0; i < granted.length; i++) {
                if (granted[i] != SUBACK_FAILURE) {
                    session.subscribe(filters.get(i), granted[i]);
                }
            }
            connection.write(new MqttSubAckMessage(
                    new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(packetId), new MqttSubAckPayload(granted)));
            connection.flush();
        });
    }

    private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        int packetId = unsubscribe.variableHeader().messageId();
        List<String> filters = List.copyOf(unsubscribe.payload().topics());
        if (filters.isEmpty()) {
            violation(ctx, "UNSUBSCRIBE without a topic filter"); // MQTT-3.10.3-2
            return;
        }
        submit(ctx, session -> {
            filters.forEach(session::unsubscribe);
            connection.write(new MqttUnsubAckMessage(
                    new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(packetId)));
            connection.flush();
        });
    }

    private void submit(ChannelHandlerContext ctx, java.util.function.Consumer<io.ternmq.core.session.Session> work) {
        if (!connection.submit(work)) {
            broker.metrics().droppedOwnerBusy.increment();
            broker.disconnector().close(ctx, connection.clientId(), "session owner overloaded");
        }
    }

    private void violation(ChannelHandlerContext ctx, String reason) {
        broker.disconnector().violation(ctx, connection.clientId(), reason);
    }

    static MqttPubAckMessage pubAck(int packetId) {
        return new MqttPubAckMessage(
                new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    private static String abbreviate(String topic) {
        return topic.length() <= 64 ? topic : topic.substring(0, 64) + "...";
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            connection.submit(session -> session.writable());
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            broker.disconnector().close(ctx, connection.clientId(), "keepalive expired");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connection.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing client {} after an error", connection.clientId(), cause);
        ctx.close();
    }
}

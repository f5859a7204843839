package io.ternmq.core.protocol;

import io.ternmq.core.codec.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
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
import io.ternmq.core.Broker;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.session.SubscriptionFilter;
import io.ternmq.core.topic.TopicCheck;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1 and 3.1.1 after a successful CONNECT. Checks each packet on the event loop (cheap, and a violation
 * closes only this connection), copies what the session needs out of the ByteBuf, and hands the work to the
 * session's owner.
 */
final class Mqtt3Handler extends SessionPacketHandler {

    static final String NAME = "mqtt3";

    private static final Logger LOG = LoggerFactory.getLogger(Mqtt3Handler.class);
    private static final int SUBACK_FAILURE = 0x80;

    Mqtt3Handler(Broker broker, ClientConnection connection, long keepaliveMillis) {
        super(broker, connection, keepaliveMillis);
    }

    @Override
    protected void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        MqttFixedHeader fixed = publish.fixedHeader();
        String topic = publish.variableHeader().topicName();
        int qos = fixed.qosLevel().value();
        if (qos > 1) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "QoS 2 PUBLISH is not supported");
            return;
        }
        if (fixed.isRetain() && broker.policy().refusesRetain()) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "retained messages are not supported");
            return;
        }
        TopicCheck check = broker.policy().checkTopicName(topic);
        if (check == TopicCheck.EMPTY || check == TopicCheck.WILDCARD_IN_NAME || check == TopicCheck.NULL_CHARACTER) {
            // MQTT-3.3.2-1, MQTT-3.3.2-2
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "invalid topic name: " + check.describe());
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
                submit(ctx, session -> reply(pubAck(packetId)));
            }
            return;
        }
        PublishMessage message = new PublishMessage(topic, qos, ByteBufUtil.getBytes(payload), connection.clientId());
        broker.trace().publish(connection.clientId(), connection.protocolLevel(), connection.transport(), topic, qos,
                message.payload().length, List.of());
        submit(ctx, session -> {
            broker.router().route(message);
            if (qos == 1) {
                reply(pubAck(packetId));
            }
        });
    }

    @Override
    protected void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        int packetId = subscribe.variableHeader().messageId();
        List<MqttTopicSubscription> requested = subscribe.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "SUBSCRIBE without a topic filter"); // MQTT-3.8.3-3
            return;
        }
        SubscriptionFilter[] filters = new SubscriptionFilter[requested.size()];
        int[] granted = new int[requested.size()];
        for (int i = 0; i < requested.size(); i++) {
            MqttTopicSubscription s = requested.get(i);
            filters[i] = SubscriptionFilter.parse(s.topicFilter(), broker.policy().limits().maxTopicLength());
            granted[i] = filters[i] == null ? SUBACK_FAILURE
                    : broker.policy().grantedQos(s.qualityOfService().value());
        }
        submit(ctx, session -> {
            for (int i = 0; i < granted.length; i++) {
                if (filters[i] == null) {
                    continue;
                }
                if (session.hasRoomFor(filters[i].full(), broker.policy().limits().maxSubscriptions())) {
                    session.subscribe(filters[i], granted[i], false);
                } else {
                    granted[i] = SUBACK_FAILURE; // limits.max-subscriptions-per-session
                }
            }
            reply(new MqttSubAckMessage(
                    new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(packetId), new MqttSubAckPayload(granted)));
        });
    }

    @Override
    protected void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        int packetId = unsubscribe.variableHeader().messageId();
        List<String> filters = List.copyOf(unsubscribe.payload().topics());
        if (filters.isEmpty()) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "UNSUBSCRIBE without a topic filter"); // MQTT-3.10.3-2
            return;
        }
        submit(ctx, session -> {
            filters.forEach(session::unsubscribe);
            reply(new MqttUnsubAckMessage(
                    new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(packetId)));
        });
    }

    @Override
    protected void disconnect(ChannelHandlerContext ctx, MqttMessage disconnect) {
        Disconnector.markClosing(ctx.channel());
        ctx.close(); // MQTT-3.14.4-1; there is no will to discard in this broker
    }

    static MqttPubAckMessage pubAck(int packetId) {
        return new MqttPubAckMessage(
                new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }
}

package io.ternmq.core.protocol;

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
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.trace.MessageTrace;

/**
 * MQTT 3.1 and 3.1.1 after a successful CONNECT. 3.x has no reason codes: a refused packet closes the connection,
 * and a PUBLISH over a per-message limit is still acknowledged at QoS 1 (there is no negative PUBACK, and without
 * an acknowledgement the client would resend it for ever) but not delivered.
 */
final class Mqtt3Handler extends SessionPacketHandler {

    static final String NAME = "mqtt3";

    /** MQTT-3.9.3-2 (3.1.1): the SUBACK return code of a refused filter. */
    private static final int SUBACK_FAILURE = 0x80;

    Mqtt3Handler(ClientConnection connection, long keepaliveMillis, PlatformPolicy policy, Router router,
                 Disconnector disconnector, MessageTrace trace, BrokerMetrics metrics) {
        super(connection, keepaliveMillis, policy, router, disconnector, trace, metrics);
    }

    @Override
    protected String topic(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        return publish.variableHeader().topicName();
    }

    @Override
    protected MessageProperties properties(MqttPublishMessage publish) {
        return MessageProperties.NONE;
    }

    @Override
    protected long expiresAtNanos(MqttPublishMessage publish) {
        return 0;
    }

    @Override
    protected MqttMessage pubAck(int packetId, byte reasonCode, String reason) {
        return pubAck(packetId);
    }

    @Override
    protected int subAckFailure(byte reasonCode) {
        return SUBACK_FAILURE;
    }

    @Override
    protected MqttMessage subAck(int packetId, int[] codes) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId), new MqttSubAckPayload(codes));
    }

    @Override
    protected MqttMessage unsubAck(int packetId, short[] codes) {
        return new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    @Override
    protected void disconnect(ChannelHandlerContext ctx, MqttMessage disconnect) {
        Disconnector.markClosing(ctx.channel());
        ctx.close(); // there is no will to discard (MQTT-3.14.4-3): the broker keeps none
    }

    static MqttPubAckMessage pubAck(int packetId) {
        return new MqttPubAckMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    @Override
    protected SessionPacketHandler sibling(ClientConnection connection, Router router, Disconnector disconnector,
                                           MessageTrace trace) {
        return new Mqtt3Handler(connection, 0, policy, router, disconnector, trace, metrics);
    }
}

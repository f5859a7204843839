package io.ternmq.core.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.trace.MessageTrace;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * MQTT 5.0 after a successful CONNECT: properties forwarded, reason codes and Reason Strings on every negative
 * acknowledgement, client-to-broker topic aliases, and the broker's Receive Maximum. A PUBLISH over a per-message
 * limit is not delivered and the connection stays up: QoS 1 learns why from its PUBACK.
 */
final class Mqtt5Handler extends SessionPacketHandler {

    static final String NAME = "mqtt5";

    /** Client-to-broker topic aliases, index = alias (MQTT-3.3.2-7: they live as long as the connection). */
    private final String[] topicAliases;
    /** QoS 1 PUBLISH received and not yet acknowledged, for the broker's Receive Maximum (MQTT-3.3.4-7). */
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private final long connectExpiry;

    Mqtt5Handler(ClientConnection connection, long connectExpiry, long keepaliveMillis, PlatformPolicy policy,
                 Router router, Disconnector disconnector, MessageTrace trace, BrokerMetrics metrics) {
        super(connection, keepaliveMillis, policy, router, disconnector, trace, metrics);
        this.topicAliases = new String[policy.topicAliasMaximum() + 1];
        this.connectExpiry = connectExpiry;
    }

    /** MQTT-3.3.2-7..12: resolves or records a topic alias; null (after the DISCONNECT) when it is not valid. */
    @Override
    protected String topic(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        MqttProperties props = publish.variableHeader().properties();
        if (Mqtt5Properties.has(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER)) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "Subscription Identifier in a client PUBLISH"); // MQTT-3.3.4-6
            return null;
        }
        String topic = publish.variableHeader().topicName();
        Integer alias = Mqtt5Properties.integer(props, MqttPropertyType.TOPIC_ALIAS);
        if (alias == null) {
            if (topic.isEmpty()) {
                violation(ctx, ReasonCode.PROTOCOL_ERROR, "empty topic name without a topic alias"); // 5.0 §3.3.2.1
                return null;
            }
            return topic;
        }
        if (alias == 0 || alias >= topicAliases.length) {
            violation(ctx, ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + alias + " outside 1.."
                    + (topicAliases.length - 1)); // MQTT-3.3.2-8, MQTT-3.3.2-9
            return null;
        }
        if (topic.isEmpty()) {
            String known = topicAliases[alias];
            if (known == null) {
                violation(ctx, ReasonCode.PROTOCOL_ERROR, "topic alias " + alias + " was never set");
                return null;
            }
            return known;
        }
        topicAliases[alias] = topic;
        return topic;
    }

    @Override
    protected MessageProperties properties(MqttPublishMessage publish) {
        MqttProperties props = publish.variableHeader().properties();
        if (props.isEmpty()) {
            return MessageProperties.NONE;
        }
        return new MessageProperties(Mqtt5Properties.integer(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR),
                Mqtt5Properties.string(props, MqttPropertyType.CONTENT_TYPE),
                Mqtt5Properties.string(props, MqttPropertyType.RESPONSE_TOPIC),
                Mqtt5Properties.binary(props, MqttPropertyType.CORRELATION_DATA),
                Mqtt5Properties.userProperties(props));
    }

    @Override
    protected long expiresAtNanos(MqttPublishMessage publish) {
        Integer expiry = Mqtt5Properties.integer(publish.variableHeader().properties(),
                MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL);
        if (expiry == null) {
            return 0;
        }
        long at = System.nanoTime() + Integer.toUnsignedLong(expiry) * 1_000_000_000L;
        return at == 0 ? 1 : at; // 0 means "never"
    }

    /** MQTT-3.3.4-7: more unacknowledged QoS 1 PUBLISH than the broker's Receive Maximum. */
    @Override
    protected boolean admitted(ChannelHandlerContext ctx, int qos) {
        if (qos == 1 && unacknowledged.incrementAndGet() > policy.receiveMaximum()) {
            violation(ctx, ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
                    "more than " + policy.receiveMaximum() + " unacknowledged QoS 1 PUBLISH");
            return false;
        }
        return true;
    }

    @Override
    protected void acknowledging() {
        unacknowledged.decrementAndGet();
    }

    @Override
    protected MqttMessage pubAck(int packetId, byte reasonCode, String reason) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, reasonCode,
                        Mqtt5Properties.reasonString(reason, connection.settings().problemInformation(),
                                connection.settings().maximumPacketSize(), 3)));
    }

    @Override
    protected boolean subscribeAllowed(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        MqttMessageIdAndPropertiesVariableHeader header = subscribe.idAndPropertiesVariableHeader();
        if (Mqtt5Properties.has(header.properties(), MqttPropertyType.SUBSCRIPTION_IDENTIFIER)) {
            // CONNACK said Subscription Identifiers Available 0 (MQTT-3.8.2-2 lets the server refuse them so).
            violation(ctx, ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED, "subscription identifiers are not supported");
            return false;
        }
        return true;
    }

    @Override
    protected int subAckFailure(byte reasonCode) {
        return reasonCode & 0xFF;
    }

    @Override
    protected MqttMessage subAck(int packetId, int[] codes) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes));
    }

    @Override
    protected MqttMessage unsubAck(int packetId, short[] codes) {
        return new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(codes));
    }

    @Override
    protected void disconnect(ChannelHandlerContext ctx, MqttMessage disconnect) {
        if (disconnect.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            Integer expiry = Mqtt5Properties.integer(header.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            if (expiry != null) {
                if (connectExpiry == 0 && expiry != 0) {
                    // 5.0 §3.14.2.2.2: a session that was to end with the connection cannot be kept on DISCONNECT.
                    violation(ctx, ReasonCode.PROTOCOL_ERROR, "Session Expiry Interval set on DISCONNECT after 0 on CONNECT");
                    return;
                }
                long seconds = policy.sessionExpiry(Integer.toUnsignedLong(expiry)); // capped as at CONNECT
                submit(ctx, session -> session.expiryIntervalSeconds(seconds));
            }
        }
        Disconnector.markClosing(ctx.channel());
        ctx.close(); // there is no will to discard (MQTT-3.14.4-3): the broker keeps none
    }

    @Override
    protected SessionPacketHandler sibling(ClientConnection connection, Router router, Disconnector disconnector,
                                           MessageTrace trace) {
        return new Mqtt5Handler(connection, connectExpiry, 0, policy, router, disconnector, trace, metrics);
    }
}

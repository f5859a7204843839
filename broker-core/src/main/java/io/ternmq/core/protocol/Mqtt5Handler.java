package io.ternmq.core.protocol;

import io.ternmq.core.codec.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.ternmq.core.Broker;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.session.SubscriptionFilter;
import io.ternmq.core.topic.TopicCheck;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 5.0 after a successful CONNECT: properties, reason codes and reason strings, client-to-broker topic
 * aliases, the broker's Receive Maximum, and the platform's limits on user properties, response topic and
 * correlation data. A PUBLISH that breaks a per-message limit is not delivered and the connection stays up:
 * QoS 1 learns why from its PUBACK, QoS 0 is counted.
 */
final class Mqtt5Handler extends SessionPacketHandler {

    static final String NAME = "mqtt5";

    private static final Logger LOG = LoggerFactory.getLogger(Mqtt5Handler.class);

    private final PlatformPolicy policy;
    /** Client-to-broker topic aliases, index = alias (MQTT-3.3.2-7: they live as long as the connection). */
    private final String[] topicAliases;
    /** QoS 1 PUBLISH received and not yet acknowledged, for the broker's Receive Maximum (MQTT-3.3.4-8). */
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private final long connectExpiry;

    Mqtt5Handler(Broker broker, ClientConnection connection, long connectExpiry, long keepaliveMillis) {
        super(broker, connection, keepaliveMillis);
        this.policy = broker.policy();
        this.topicAliases = new String[policy.limits().topicAliasMaximum() + 1];
        this.connectExpiry = connectExpiry;
    }

    @Override
    protected void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        MqttFixedHeader fixed = publish.fixedHeader();
        int qos = fixed.qosLevel().value();
        if (qos > 1) {
            violation(ctx, ReasonCode.QOS_NOT_SUPPORTED, "QoS 2 is not supported"); // MQTT-3.2.2-11
            return;
        }
        if (fixed.isRetain() && policy.refusesRetain()) {
            violation(ctx, ReasonCode.RETAIN_NOT_SUPPORTED, "retained messages are not supported"); // MQTT-3.2.2-14
            return;
        }
        MqttProperties props = publish.variableHeader().properties();
        if (Mqtt5Properties.has(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER)) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "Subscription Identifier in a client PUBLISH"); // MQTT-3.3.4-6
            return;
        }
        String topic = resolveTopic(ctx, publish.variableHeader().topicName(), props);
        if (topic == null) {
            return;
        }
        TopicCheck check = policy.checkTopicName(topic);
        if (check == TopicCheck.WILDCARD_IN_NAME || check == TopicCheck.NULL_CHARACTER) {
            violation(ctx, ReasonCode.TOPIC_NAME_INVALID, "invalid topic name: " + check.describe());
            return;
        }
        int packetId = publish.variableHeader().packetId();
        // MQTT-3.3.4-8: more unacknowledged QoS 1 than the broker's Receive Maximum.
        if (qos == 1 && unacknowledged.incrementAndGet() > policy.limits().receiveMaximum()) {
            violation(ctx, ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
                    "more than " + policy.limits().receiveMaximum() + " unacknowledged QoS 1 PUBLISH");
            return;
        }
        broker.metrics().publishesReceived.increment();
        ByteBuf payload = publish.content();
        List<UserProperty> userProperties = Mqtt5Properties.userProperties(props);
        String responseTopic = Mqtt5Properties.string(props, MqttPropertyType.RESPONSE_TOPIC);
        byte[] correlationData = Mqtt5Properties.binary(props, MqttPropertyType.CORRELATION_DATA);
        byte reasonCode = ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR;
        String broken;
        if (!check.ok()) {
            reasonCode = ReasonCode.TOPIC_NAME_INVALID;
            broken = check.describe();
        } else if (!policy.payloadAllowed(payload.readableBytes())) {
            // 0x95 is no PUBACK reason code (MQTT 5 3.4.2.1) and strict clients drop the connection on it.
            reasonCode = ReasonCode.QUOTA_EXCEEDED;
            broken = "payload larger than " + policy.limits().maxPayload() + " bytes";
        } else if ((broken = policy.checkUserProperties(userProperties)) == null
                && (responseTopic == null || (broken = policy.checkResponseTopic(responseTopic)) == null)
                && correlationData != null) {
            broken = policy.checkCorrelationData(correlationData);
        }
        if (broken != null) {
            notDelivered(ctx, topic, qos, packetId, reasonCode, broken);
            return;
        }
        Integer expiry = Mqtt5Properties.integer(props, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL);
        long expiresAt = expiry == null ? 0
                : System.nanoTime() + ConnectHandler.unsigned(expiry) * 1_000_000_000L;
        PublishMessage message = new PublishMessage(topic, qos, ByteBufUtil.getBytes(payload), connection.clientId(),
                new MessageProperties(Mqtt5Properties.integer(props, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR),
                        Mqtt5Properties.string(props, MqttPropertyType.CONTENT_TYPE), responseTopic, correlationData,
                        userProperties),
                expiry == null ? 0 : (expiresAt == 0 ? 1 : expiresAt));
        broker.trace().publish(connection.clientId(), 5, connection.transport(), topic, qos, message.payload().length,
                userProperties);
        submit(ctx, session -> {
            broker.router().route(message);
            if (qos == 1) {
                unacknowledged.decrementAndGet(); // before the PUBACK, or the client's next PUBLISH may count one too many
                reply(pubAck(packetId, ReasonCode.SUCCESS, null));
            }
        });
    }

    /** MQTT-3.3.2-7..12: resolves or records a topic alias; null (after the DISCONNECT) when the alias is invalid. */
    private String resolveTopic(ChannelHandlerContext ctx, String topic, MqttProperties props) {
        Integer alias = Mqtt5Properties.integer(props, MqttPropertyType.TOPIC_ALIAS);
        if (alias == null) {
            if (topic.isEmpty()) {
                violation(ctx, ReasonCode.PROTOCOL_ERROR, "empty topic name without a topic alias");
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

    private void notDelivered(ChannelHandlerContext ctx, String topic, int qos, int packetId, byte reasonCode,
                              String reason) {
        broker.metrics().droppedPlatformRule.increment();
        LOG.debug("not delivering PUBLISH of {} to '{}': {}", connection.clientId(), abbreviate(topic), reason);
        if (qos == 1) {
            submit(ctx, session -> {
                unacknowledged.decrementAndGet();
                reply(pubAck(packetId, reasonCode, reason));
            });
        }
    }

    @Override
    protected void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        MqttMessageIdAndPropertiesVariableHeader header = subscribe.idAndPropertiesVariableHeader();
        if (Mqtt5Properties.has(header.properties(), MqttPropertyType.SUBSCRIPTION_IDENTIFIER)) {
            // CONNACK said Subscription Identifiers Available 0 (MQTT-3.8.2-2 lets the server refuse them so).
            violation(ctx, ReasonCode.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED, "subscription identifiers are not supported");
            return;
        }
        List<MqttTopicSubscription> requested = subscribe.payload().topicSubscriptions();
        if (requested.isEmpty()) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "SUBSCRIBE without a topic filter"); // MQTT-3.8.3-2
            return;
        }
        SubscriptionFilter[] filters = new SubscriptionFilter[requested.size()];
        boolean[] noLocal = new boolean[requested.size()];
        int[] codes = new int[requested.size()];
        for (int i = 0; i < requested.size(); i++) {
            MqttTopicSubscription s = requested.get(i);
            filters[i] = SubscriptionFilter.parse(s.topicFilter(), policy.limits().maxTopicLength());
            noLocal[i] = s.option().isNoLocal();
            if (filters[i] != null && filters[i].shared() && noLocal[i]) {
                violation(ctx, ReasonCode.PROTOCOL_ERROR, "No Local on a shared subscription"); // MQTT-3.8.3-4
                return;
            }
            codes[i] = filters[i] == null ? ReasonCode.TOPIC_FILTER_INVALID & 0xFF
                    : policy.grantedQos(s.option().qos().value());
        }
        int packetId = header.messageId();
        submit(ctx, session -> {
            for (int i = 0; i < codes.length; i++) {
                if (filters[i] == null) {
                    continue;
                }
                if (session.hasRoomFor(filters[i].full(), policy.limits().maxSubscriptions())) {
                    session.subscribe(filters[i], codes[i], noLocal[i]);
                } else {
                    codes[i] = ReasonCode.QUOTA_EXCEEDED & 0xFF; // limits.max-subscriptions-per-session
                }
            }
            reply(new MqttSubAckMessage(
                    new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                    new MqttSubAckPayload(codes)));
        });
    }

    @Override
    protected void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        List<String> filters = List.copyOf(unsubscribe.payload().topics());
        if (filters.isEmpty()) {
            violation(ctx, ReasonCode.PROTOCOL_ERROR, "UNSUBSCRIBE without a topic filter"); // MQTT-3.10.3-2
            return;
        }
        int packetId = unsubscribe.idAndPropertiesVariableHeader().messageId();
        submit(ctx, session -> {
            short[] codes = new short[filters.size()];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = session.unsubscribe(filters.get(i)) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED;
            }
            reply(new MqttUnsubAckMessage(
                    new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                    new MqttUnsubAckPayload(codes)));
        });
    }

    @Override
    protected void disconnect(ChannelHandlerContext ctx, MqttMessage disconnect) {
        if (disconnect.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            Integer expiry = Mqtt5Properties.integer(header.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            if (expiry != null) {
                if (connectExpiry == 0 && expiry != 0) {
                    // MQTT-3.14.2-2: a session that was to end with the connection cannot be kept on DISCONNECT.
                    violation(ctx, ReasonCode.PROTOCOL_ERROR, "Session Expiry Interval set on DISCONNECT after 0 on CONNECT");
                    return;
                }
                long seconds = ConnectHandler.unsigned(expiry);
                submit(ctx, session -> session.expiryIntervalSeconds(seconds));
            }
        }
        Disconnector.markClosing(ctx.channel());
        ctx.close(); // MQTT-3.14.4-1; there is no will to discard in this broker
    }

    private MqttMessage pubAck(int packetId, byte reasonCode, String reason) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, reasonCode,
                        Mqtt5Properties.reasonString(reason, connection.settings().problemInformation(),
                                connection.settings().maximumPacketSize(), 3)));
    }
}

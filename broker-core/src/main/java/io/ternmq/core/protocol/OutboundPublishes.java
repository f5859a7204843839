package io.ternmq.core.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the MQTT 5 PUBLISH packets of one connection: the message's properties forwarded unchanged and in
 * order, the remaining Message Expiry Interval (MQTT-3.3.2-6), and broker-to-client topic aliases while the
 * client allows more (an alias once sent stands for its topic for the rest of the connection). Owner-thread
 * confined, like the session that calls it.
 */
final class OutboundPublishes {

    private final ClientSettings client;
    private final Map<String, Integer> aliases = new HashMap<>();
    /** The client's Topic Alias Maximum, capped by the broker's own, so a client cannot make this map huge. */
    private final int aliasMaximum;

    OutboundPublishes(ClientSettings client, int brokerAliasMaximum) {
        this.client = client;
        this.aliasMaximum = Math.min(client.topicAliasMaximum(), brokerAliasMaximum);
    }

    /** The packet, or null when it would exceed the client's Maximum Packet Size. */
    MqttPublishMessage build(Delivery delivery, int packetId, boolean dup) {
        PublishMessage m = delivery.message();
        MqttProperties props = new MqttProperties();
        MessageProperties p = m.properties();
        int propBytes = 0;
        if (p.payloadFormatIndicator() != null) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(),
                    p.payloadFormatIndicator()));
            propBytes += 2;
        }
        long remaining = m.remainingExpirySeconds(System.nanoTime());
        if (remaining >= 0) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(),
                    (int) Math.max(1, remaining)));
            propBytes += 5;
        }
        if (p.contentType() != null) {
            props.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), p.contentType()));
            propBytes += 3 + ByteBufUtil.utf8Bytes(p.contentType());
        }
        if (p.responseTopic() != null) {
            props.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), p.responseTopic()));
            propBytes += 3 + ByteBufUtil.utf8Bytes(p.responseTopic());
        }
        if (p.correlationData() != null) {
            props.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(),
                    p.correlationData()));
            propBytes += 3 + p.correlationData().length;
        }
        if (!p.userProperties().isEmpty()) {
            MqttProperties.UserProperties users = new MqttProperties.UserProperties();
            for (UserProperty u : p.userProperties()) {
                users.add(u.key(), u.value());
                propBytes += 5 + ByteBufUtil.utf8Bytes(u.key()) + ByteBufUtil.utf8Bytes(u.value());
            }
            props.add(users);
        }
        String topic = m.topic();
        Integer alias = null;
        boolean newAlias = false;
        if (aliasMaximum > 0) {
            alias = aliases.get(topic);
            if (alias == null && aliases.size() < aliasMaximum) {
                alias = aliases.size() + 1;
                newAlias = true;
            }
        }
        // MQTT-3.3.2-12: an established alias replaces the topic.
        String wireTopic = alias != null && !newAlias ? "" : topic;
        if (client.maximumPacketSize() > 0 && packetSize(ByteBufUtil.utf8Bytes(wireTopic), delivery.qos(),
                propBytes + (alias != null ? 3 : 0), m.payload().length) > client.maximumPacketSize()) {
            return null; // 5.0 MQTT-3.1.2-24, MQTT-3.1.2-25; an alias it would have set is not taken either
        }
        if (alias != null) {
            if (newAlias) {
                aliases.put(topic, alias);
            }
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), alias));
        }
        topic = wireTopic;
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(delivery.qos()),
                false, 0);
        return new MqttPublishMessage(fixed, new MqttPublishVariableHeader(topic, packetId, props),
                Unpooled.wrappedBuffer(m.payload()));
    }

    static long packetSize(int topicBytes, int qos, int propBytes, int payloadBytes) {
        long remaining = 2L + topicBytes + (qos > 0 ? 2 : 0) + varIntSize(propBytes) + propBytes + payloadBytes;
        return 1 + varIntSize(remaining) + remaining;
    }

    static int varIntSize(long value) {
        int n = 1;
        while (value >= 128) {
            value >>= 7;
            n++;
        }
        return n;
    }
}

package io.ternmq.core.protocol;

import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.ternmq.core.message.UserProperty;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of Netty's decoded MQTT 5 properties, and the few the broker writes. */
final class Mqtt5Properties {

    private Mqtt5Properties() {
    }

    /** An integer property, or null when absent. */
    static Integer integer(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p == null ? null : (Integer) p.value();
    }

    static String string(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p == null ? null : (String) p.value();
    }

    static byte[] binary(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p == null ? null : (byte[]) p.value();
    }

    static boolean has(MqttProperties props, MqttPropertyType type) {
        return props.getProperty(type.value()) != null;
    }

    /** User properties in the order the client sent them. */
    static List<UserProperty> userProperties(MqttProperties props) {
        List<? extends MqttProperties.MqttProperty> raw = props.getProperties(MqttPropertyType.USER_PROPERTY.value());
        if (raw.isEmpty()) {
            return List.of();
        }
        List<UserProperty> out = new ArrayList<>(raw.size());
        for (MqttProperties.MqttProperty<?> p : raw) {
            MqttProperties.StringPair pair = (MqttProperties.StringPair) p.value();
            out.add(new UserProperty(pair.key, pair.value));
        }
        return out;
    }


    /**
     * A Reason String for an acknowledgement whose other variable-header bytes are {@code otherBytes}, left out
     * when the client asked for no problem information or when it would make the packet larger than the client's
     * Maximum Packet Size (5.0 MQTT-3.4.2-2, MQTT-3.2.2-19, MQTT-3.14.2-3); maximumPacketSize 0 means no limit.
     */
    static MqttProperties reasonString(String reason, boolean allowed, long maximumPacketSize, int otherBytes) {
        if (!allowed || reason == null) {
            return MqttProperties.NO_PROPERTIES;
        }
        if (maximumPacketSize > 0) {
            int propBytes = 3 + io.netty.buffer.ByteBufUtil.utf8Bytes(reason);
            long remaining = otherBytes + OutboundPublishes.varIntSize(propBytes) + propBytes;
            if (1 + OutboundPublishes.varIntSize(remaining) + remaining > maximumPacketSize) {
                return MqttProperties.NO_PROPERTIES;
            }
        }
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttPropertyType.REASON_STRING.value(), reason));
        return props;
    }
}

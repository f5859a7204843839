package io.ternmq.core.codec;

import io.netty.handler.codec.mqtt.MqttMessageType;

/**
 * The first byte of a packet: its type and the four flag bits, which every type but PUBLISH fixes (3.1.1
 * MQTT-2.2.2-1 and MQTT-2.2.2-2, 5.0 §2.1.3: a reserved flag that is not as the table says is a Malformed
 * Packet). Judged as soon as the byte arrives, before any byte of the packet's body.
 */
final class FixedHeaders {

    private FixedHeaders() {
    }

    /**
     * The packet type of {@code firstByte}, or the reason it cannot start a packet.
     *
     * @param level the connection's protocol level, 0 before its CONNECT
     */
    static MqttMessageType check(int firstByte, int level) {
        int typeValue = firstByte >> 4;
        int flags = firstByte & 0x0F;
        if (typeValue == 0 || (typeValue == 15 && level != 5)) {
            // 0 is reserved in every version, 15 before 5.0 (where it is AUTH).
            throw new MqttDecodeException(ReasonCode.MALFORMED_PACKET, null, level,
                    "malformed packet: packet type " + typeValue + " is reserved");
        }
        MqttMessageType type = MqttMessageType.valueOf(typeValue);
        if (type == MqttMessageType.PUBLISH) {
            int qos = (flags >> 1) & 0x03;
            if (qos == 3) {
                throw malformed(type, level, "QoS is 3"); // 3.1.1 MQTT-3.3.1-4, 5.0 MQTT-3.3.1-4
            }
            if (qos == 0 && (flags & 0x08) != 0) {
                throw malformed(type, level, "DUP is set on a QoS 0 message"); // MQTT-3.3.1-2
            }
            return type;
        }
        int required = type == MqttMessageType.PUBREL || type == MqttMessageType.SUBSCRIBE
                || type == MqttMessageType.UNSUBSCRIBE ? 0x02 : 0x00;
        if (flags != required) {
            // MQTT-3.6.1-1, MQTT-3.8.1-1, MQTT-3.10.1-1 for the three that must be 0010.
            throw malformed(type, level, String.format("fixed header flags are 0x%X, not 0x%X", flags, required));
        }
        return type;
    }

    private static MqttDecodeException malformed(MqttMessageType type, int level, String what) {
        return new MqttDecodeException(ReasonCode.MALFORMED_PACKET, type, level, "malformed " + type + ": " + what);
    }
}

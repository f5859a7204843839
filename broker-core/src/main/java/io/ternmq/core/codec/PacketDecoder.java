package io.ternmq.core.codec;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.ternmq.core.codec.PropertyDecoder.Place;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the bytes of one complete packet into Netty's MQTT message types, enforcing the structure MQTT 3.1,
 * 3.1.1 and 5.0 prescribe. It sees exactly one packet (its Remaining Length), never the bytes after it, so a
 * length field that claims more than the packet holds is a Malformed Packet at once. What the structure allows
 * but the broker's rules do not (QoS 2, retained messages, wildcards in a topic name, platform limits) is the
 * protocol handlers' to judge.
 */
final class PacketDecoder {

    /** 5.0 table 3-10 (DISCONNECT reason codes, from either side). */
    private static final boolean[] DISCONNECT_CODES = codes(
            "00 04 80 81 82 83 87 89 8B 8D 8E 8F 90 93 94 95 96 97 98 99 9A 9B 9C 9D 9E 9F A0 A1 A2");
    /** 5.0 3.4.2.1 and 3.5.2.1 (PUBACK and PUBREC reason codes). */
    private static final boolean[] PUBACK_CODES = codes("00 10 80 83 87 90 91 97 99");
    /** 5.0 3.6.2.1 and 3.7.2.1 (PUBREL and PUBCOMP). */
    private static final boolean[] PUBREL_CODES = codes("00 92");
    /** 5.0 3.15.2.1 (AUTH). */
    private static final boolean[] AUTH_CODES = codes("00 18 19");

    private PacketDecoder() {
    }

    /**
     * Decodes one packet whose fixed header byte {@link FixedHeaders#check} accepted.
     *
     * @param firstByte the packet type and flags
     * @param body      a reader over exactly the Remaining Length bytes
     */
    static MqttMessage decode(int firstByte, PacketReader body) {
        MqttMessageType type = body.type();
        boolean v5 = body.level() == 5;
        return switch (type) {
            // A second CONNECT is refused by type (MQTT-3.1.0-2), however its body would read.
            case CONNECT -> body.level() == 0 ? connect(body) : new MqttMessage(fixed(type, 0, body));
            case PUBLISH -> publish(firstByte, body, v5);
            case PUBACK -> acknowledgement(body, v5, Place.PUBACK, PUBACK_CODES);
            case PUBREC -> acknowledgement(body, v5, Place.PUBREC, PUBACK_CODES);
            case PUBREL -> acknowledgement(body, v5, Place.PUBREL, PUBREL_CODES);
            case PUBCOMP -> acknowledgement(body, v5, Place.PUBCOMP, PUBREL_CODES);
            case SUBSCRIBE -> subscribe(body, v5);
            case UNSUBSCRIBE -> unsubscribe(body, v5);
            case PINGREQ, PINGRESP -> empty(body);
            case DISCONNECT -> v5 ? reasonAndProperties(body, Place.DISCONNECT, DISCONNECT_CODES) : empty(body);
            case AUTH -> reasonAndProperties(body, Place.AUTH, AUTH_CODES);
            // A client never sends these: the protocol handler refuses them by type, so their bodies are not read.
            case CONNACK, SUBACK, UNSUBACK -> new MqttMessage(fixed(type, 0, body));
        };
    }

    private static MqttFixedHeader fixed(MqttMessageType type, int flags, PacketReader body) {
        return new MqttFixedHeader(type, (flags & 0x08) != 0, MqttQoS.valueOf((flags >> 1) & 0x03),
                (flags & 0x01) != 0, body.remaining());
    }

    private static MqttConnectMessage connect(PacketReader r) {
        MqttFixedHeader fixed = fixed(MqttMessageType.CONNECT, 0, r);
        String name = r.utf8("Protocol Name");
        int level = r.u8("Protocol Level");
        MqttVersion version;
        try {
            version = MqttVersion.fromProtocolNameAndLevel(name, (byte) level);
        } catch (RuntimeException e) {
            // 3.1.1 MQTT-3.1.2-2, 5.0 3.1.2.2: CONNACK 0x01 (0x84), then the close.
            throw new MqttDecodeException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, MqttMessageType.CONNECT,
                    0, "protocol " + name + " level " + level + " is not supported");
        }
        // The rest is read with the CONNECT's own level, so its errors can be answered in its version.
        PacketReader p = r.withLevel(version.protocolLevel());
        int flags = p.u8("Connect Flags");
        if ((flags & 0x01) != 0) {
            throw p.malformed("the reserved Connect Flags bit is 1"); // MQTT-3.1.2-3
        }
        boolean will = (flags & 0x04) != 0;
        int willQos = (flags >> 3) & 0x03;
        boolean willRetain = (flags & 0x20) != 0;
        boolean hasPassword = (flags & 0x40) != 0;
        boolean hasUserName = (flags & 0x80) != 0;
        if (willQos == 3) {
            throw p.malformed("Will QoS is 3"); // 3.1.1 MQTT-3.1.2-14, 5.0 MQTT-3.1.2-12
        }
        if (!will && (willQos != 0 || willRetain)) {
            // 3.1.1 MQTT-3.1.2-13 and MQTT-3.1.2-15, 5.0 MQTT-3.1.2-11 and MQTT-3.1.2-13
            throw p.malformed("Will QoS or Will Retain set without the Will Flag");
        }
        if (hasPassword && !hasUserName && p.level() < 5) {
            throw p.malformed("the Password Flag is set without the User Name Flag"); // 3.1.1 MQTT-3.1.2-22
        }
        int keepalive = p.u16("Keep Alive");
        boolean v5 = p.level() == 5;
        MqttProperties properties = v5 ? PropertyDecoder.read(p, Place.CONNECT) : MqttProperties.NO_PROPERTIES;
        String clientId = p.utf8("Client Identifier");
        MqttProperties willProperties = MqttProperties.NO_PROPERTIES;
        String willTopic = null;
        byte[] willMessage = null;
        if (will) {
            if (v5) {
                willProperties = PropertyDecoder.read(p, Place.WILL);
            }
            willTopic = p.utf8("Will Topic");
            willMessage = p.binary("Will Payload");
        }
        String userName = hasUserName ? p.utf8("User Name") : null;
        byte[] password = hasPassword ? p.binary("Password") : null;
        p.end("the CONNECT payload");
        return new MqttConnectMessage(fixed,
                new MqttConnectVariableHeader(version.protocolName(), version.protocolLevel(), hasUserName,
                        hasPassword, willRetain, willQos, will, (flags & 0x02) != 0, keepalive, properties),
                new MqttConnectPayload(clientId, willProperties, willTopic, willMessage, userName, password));
    }

    private static MqttPublishMessage publish(int firstByte, PacketReader r, boolean v5) {
        MqttFixedHeader fixed = fixed(MqttMessageType.PUBLISH, firstByte & 0x0F, r);
        String topic = r.utf8("Topic Name");
        int packetId = fixed.qosLevel() == MqttQoS.AT_MOST_ONCE ? -1 : packetId(r);
        MqttProperties properties = v5 ? PropertyDecoder.read(r, Place.PUBLISH) : MqttProperties.NO_PROPERTIES;
        return new MqttPublishMessage(fixed, new MqttPublishVariableHeader(topic, packetId, properties),
                Unpooled.wrappedBuffer(r.rest()));
    }

    /** PUBACK, PUBREC, PUBREL, PUBCOMP: a packet id, then (5.0) an optional reason code and properties. */
    private static MqttMessage acknowledgement(PacketReader r, boolean v5, Place place, boolean[] validCodes) {
        MqttMessageType type = r.type();
        MqttFixedHeader fixed = fixed(type, type == MqttMessageType.PUBREL ? 0x02 : 0, r);
        int packetId = packetId(r);
        if (!v5) {
            r.end("the Packet Identifier");
            return new MqttMessage(fixed, MqttMessageIdVariableHeader.from(packetId));
        }
        // 5.0 3.4.2.1: with Remaining Length 2 the reason code is 0x00; with less than 4 there are no properties.
        byte reasonCode = r.remaining() == 0 ? ReasonCode.SUCCESS : reasonCode(r, validCodes);
        MqttProperties properties = r.remaining() == 0 ? MqttProperties.NO_PROPERTIES : PropertyDecoder.read(r, place);
        r.end("the properties");
        return new MqttMessage(fixed, new MqttPubReplyMessageVariableHeader(packetId, reasonCode, properties));
    }

    private static MqttSubscribeMessage subscribe(PacketReader r, boolean v5) {
        MqttFixedHeader fixed = fixed(MqttMessageType.SUBSCRIBE, 0x02, r);
        int packetId = packetId(r);
        MqttProperties properties = v5 ? PropertyDecoder.read(r, Place.SUBSCRIBE) : MqttProperties.NO_PROPERTIES;
        List<MqttTopicSubscription> subscriptions = new ArrayList<>(2);
        while (r.remaining() > 0) {
            String filter = r.utf8("Topic Filter");
            int options = r.u8("Subscription Options");
            subscriptions.add(new MqttTopicSubscription(filter, v5 ? options5(r, options) : options3(r, options)));
        }
        if (subscriptions.isEmpty()) {
            throw r.protocolError("no Topic Filter"); // 3.1.1 MQTT-3.8.3-3, 5.0 MQTT-3.8.3-2
        }
        return new MqttSubscribeMessage(fixed, new MqttMessageIdAndPropertiesVariableHeader(packetId, properties),
                new MqttSubscribePayload(subscriptions));
    }

    private static MqttSubscriptionOption options3(PacketReader r, int options) {
        if ((options & 0xFC) != 0) {
            throw r.malformed(String.format("reserved bits of the Requested QoS byte 0x%02X are set", options)); // 3.1.1 MQTT-3-8.3-4 (the specification writes it so)
        }
        if (options == 3) {
            throw r.malformed("Requested QoS is 3"); // 3.1.1 MQTT-3-8.3-4
        }
        return MqttSubscriptionOption.onlyFromQos(MqttQoS.valueOf(options));
    }

    private static MqttSubscriptionOption options5(PacketReader r, int options) {
        if ((options & 0xC0) != 0) {
            throw r.malformed(String.format("reserved bits of Subscription Options 0x%02X are set", options)); // MQTT-3.8.3-5
        }
        if ((options & 0x03) == 3) {
            throw r.protocolError("Maximum QoS is 3"); // 5.0 3.8.3.1
        }
        int retainHandling = (options >> 4) & 0x03;
        if (retainHandling == 3) {
            throw r.protocolError("Retain Handling is 3"); // 5.0 3.8.3.1
        }
        return new MqttSubscriptionOption(MqttQoS.valueOf(options & 0x03), (options & 0x04) != 0,
                (options & 0x08) != 0, MqttSubscriptionOption.RetainedHandlingPolicy.valueOf(retainHandling));
    }

    private static MqttUnsubscribeMessage unsubscribe(PacketReader r, boolean v5) {
        MqttFixedHeader fixed = fixed(MqttMessageType.UNSUBSCRIBE, 0x02, r);
        int packetId = packetId(r);
        MqttProperties properties = v5 ? PropertyDecoder.read(r, Place.UNSUBSCRIBE) : MqttProperties.NO_PROPERTIES;
        List<String> filters = new ArrayList<>(2);
        while (r.remaining() > 0) {
            filters.add(r.utf8("Topic Filter"));
        }
        if (filters.isEmpty()) {
            throw r.protocolError("no Topic Filter"); // MQTT-3.10.3-2
        }
        return new MqttUnsubscribeMessage(fixed, new MqttMessageIdAndPropertiesVariableHeader(packetId, properties),
                new MqttUnsubscribePayload(filters));
    }

    /** PINGREQ, PINGRESP and the 3.x DISCONNECT have no variable header and no payload. */
    private static MqttMessage empty(PacketReader r) {
        MqttFixedHeader fixed = fixed(r.type(), 0, r);
        r.end("the fixed header");
        return new MqttMessage(fixed);
    }

    /** The 5.0 DISCONNECT and AUTH: an optional reason code (0x00 when absent), then optional properties. */
    private static MqttMessage reasonAndProperties(PacketReader r, Place place, boolean[] validCodes) {
        MqttFixedHeader fixed = fixed(r.type(), 0, r);
        byte reasonCode = r.remaining() == 0 ? ReasonCode.SUCCESS : reasonCode(r, validCodes);
        MqttProperties properties = r.remaining() == 0 ? MqttProperties.NO_PROPERTIES : PropertyDecoder.read(r, place);
        r.end("the properties");
        return new MqttMessage(fixed, new MqttReasonCodeAndPropertiesVariableHeader(reasonCode, properties));
    }

    private static byte reasonCode(PacketReader r, boolean[] validCodes) {
        int code = r.u8("Reason Code");
        if (!validCodes[code]) {
            throw r.malformed(String.format("Reason Code 0x%02X is not one this packet has", code));
        }
        return (byte) code;
    }

    private static boolean[] codes(String hex) {
        boolean[] valid = new boolean[256];
        for (String code : hex.split(" ")) {
            valid[Integer.parseInt(code, 16)] = true;
        }
        return valid;
    }

    /** 3.1.1 MQTT-2.3.1-1, 5.0 MQTT-2.2.1-3: a packet that carries a Packet Identifier carries a non-zero one. */
    private static int packetId(PacketReader r) {
        int id = r.u16("Packet Identifier");
        if (id == 0) {
            throw r.protocolError("Packet Identifier 0");
        }
        return id;
    }
}

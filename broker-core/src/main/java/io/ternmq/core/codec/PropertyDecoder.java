package io.ternmq.core.codec;

import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * MQTT 5 property blocks (MQTT 5 section 2.2.2): a Variable Byte Integer of length, then properties that must
 * fit in exactly that many bytes. A property identifier that is unknown, or not valid for the packet it is in,
 * or a value of the wrong shape, is a Malformed Packet (5.0 §2.2.2.2); a property given twice where the
 * specification allows it once is a Protocol Error (each property's section: "It is a Protocol Error to include
 * the ... more than once"); so is a value the specification rules out (Receive Maximum 0, say).
 */
final class PropertyDecoder {

    /** Where a property block sits; a property names the places it may appear (MQTT 5 table 2-4). */
    enum Place {
        CONNECT, CONNACK, PUBLISH, WILL, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK,
        DISCONNECT, AUTH;

        final int bit = 1 << ordinal();
    }

    private enum Kind { BYTE, TWO_BYTES, FOUR_BYTES, VARINT, STRING, BINARY, STRING_PAIR }

    private enum Property {
        PAYLOAD_FORMAT_INDICATOR(0x01, "Payload Format Indicator", Kind.BYTE, Place.PUBLISH, Place.WILL),
        MESSAGE_EXPIRY_INTERVAL(0x02, "Message Expiry Interval", Kind.FOUR_BYTES, Place.PUBLISH, Place.WILL),
        CONTENT_TYPE(0x03, "Content Type", Kind.STRING, Place.PUBLISH, Place.WILL),
        RESPONSE_TOPIC(0x08, "Response Topic", Kind.STRING, Place.PUBLISH, Place.WILL),
        CORRELATION_DATA(0x09, "Correlation Data", Kind.BINARY, Place.PUBLISH, Place.WILL),
        SUBSCRIPTION_IDENTIFIER(0x0B, "Subscription Identifier", Kind.VARINT, Place.PUBLISH, Place.SUBSCRIBE),
        SESSION_EXPIRY_INTERVAL(0x11, "Session Expiry Interval", Kind.FOUR_BYTES, Place.CONNECT, Place.CONNACK,
                Place.DISCONNECT),
        ASSIGNED_CLIENT_IDENTIFIER(0x12, "Assigned Client Identifier", Kind.STRING, Place.CONNACK),
        SERVER_KEEP_ALIVE(0x13, "Server Keep Alive", Kind.TWO_BYTES, Place.CONNACK),
        AUTHENTICATION_METHOD(0x15, "Authentication Method", Kind.STRING, Place.CONNECT, Place.CONNACK, Place.AUTH),
        AUTHENTICATION_DATA(0x16, "Authentication Data", Kind.BINARY, Place.CONNECT, Place.CONNACK, Place.AUTH),
        REQUEST_PROBLEM_INFORMATION(0x17, "Request Problem Information", Kind.BYTE, Place.CONNECT),
        WILL_DELAY_INTERVAL(0x18, "Will Delay Interval", Kind.FOUR_BYTES, Place.WILL),
        REQUEST_RESPONSE_INFORMATION(0x19, "Request Response Information", Kind.BYTE, Place.CONNECT),
        RESPONSE_INFORMATION(0x1A, "Response Information", Kind.STRING, Place.CONNACK),
        SERVER_REFERENCE(0x1C, "Server Reference", Kind.STRING, Place.CONNACK, Place.DISCONNECT),
        REASON_STRING(0x1F, "Reason String", Kind.STRING, Place.CONNACK, Place.PUBACK, Place.PUBREC, Place.PUBREL,
                Place.PUBCOMP, Place.SUBACK, Place.UNSUBACK, Place.DISCONNECT, Place.AUTH),
        RECEIVE_MAXIMUM(0x21, "Receive Maximum", Kind.TWO_BYTES, Place.CONNECT, Place.CONNACK),
        TOPIC_ALIAS_MAXIMUM(0x22, "Topic Alias Maximum", Kind.TWO_BYTES, Place.CONNECT, Place.CONNACK),
        TOPIC_ALIAS(0x23, "Topic Alias", Kind.TWO_BYTES, Place.PUBLISH),
        MAXIMUM_QOS(0x24, "Maximum QoS", Kind.BYTE, Place.CONNACK),
        RETAIN_AVAILABLE(0x25, "Retain Available", Kind.BYTE, Place.CONNACK),
        USER_PROPERTY(0x26, "User Property", Kind.STRING_PAIR, Place.values()),
        MAXIMUM_PACKET_SIZE(0x27, "Maximum Packet Size", Kind.FOUR_BYTES, Place.CONNECT, Place.CONNACK),
        WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, "Wildcard Subscription Available", Kind.BYTE, Place.CONNACK),
        SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, "Subscription Identifier Available", Kind.BYTE, Place.CONNACK),
        SHARED_SUBSCRIPTION_AVAILABLE(0x2A, "Shared Subscription Available", Kind.BYTE, Place.CONNACK);

        private static final Property[] BY_ID = new Property[0x2B];

        static {
            for (Property p : values()) {
                BY_ID[p.id] = p;
            }
        }

        final int id;
        final String label;
        final Kind kind;
        final int places;

        Property(int id, String label, Kind kind, Place... places) {
            this.id = id;
            this.label = label;
            this.kind = kind;
            int mask = 0;
            for (Place p : places) {
                mask |= p.bit;
            }
            this.places = mask;
        }

        static Property of(int id) {
            return id < BY_ID.length ? BY_ID[id] : null;
        }
    }

    private PropertyDecoder() {
    }

    /** Reads a property block at the reader's position; an empty block is {@link MqttProperties#NO_PROPERTIES}. */
    static MqttProperties read(PacketReader packet, Place place) {
        int length = packet.varint("Property Length");
        if (length == 0) {
            return MqttProperties.NO_PROPERTIES;
        }
        PacketReader block = packet.slice(length, "the property block of " + length + " bytes");
        MqttProperties properties = new MqttProperties();
        long seen = 0; // one bit per property identifier; every identifier is below 64
        while (block.remaining() > 0) {
            int id = block.varint("Property Identifier");
            Property p = Property.of(id);
            if (p == null) {
                throw block.malformed(String.format("unknown property identifier 0x%02X", id));
            }
            if ((p.places & place.bit) == 0) {
                throw block.malformed(p.label + " is not allowed in " + placeName(place));
            }
            if (p != Property.USER_PROPERTY) {
                if ((seen & (1L << id)) != 0) {
                    throw block.protocolError(p.label + " more than once");
                }
                seen |= 1L << id;
            }
            properties.add(value(block, p));
        }
        // MQTT 5 3.1.2.11.10 and 3.15.2.2.3: Authentication Data only comes with an Authentication Method.
        if ((seen & (1L << Property.AUTHENTICATION_DATA.id)) != 0
                && (seen & (1L << Property.AUTHENTICATION_METHOD.id)) == 0) {
            throw block.protocolError("Authentication Data without an Authentication Method");
        }
        return properties;
    }

    private static MqttProperties.MqttProperty<?> value(PacketReader block, Property p) {
        return switch (p.kind) {
            case BYTE -> new MqttProperties.IntegerProperty(p.id, checkByte(block, p, block.u8(p.label)));
            case TWO_BYTES -> new MqttProperties.IntegerProperty(p.id, checkNonZero(block, p, block.u16(p.label)));
            case FOUR_BYTES -> new MqttProperties.IntegerProperty(p.id, checkNonZero(block, p, block.u32(p.label)));
            case VARINT -> new MqttProperties.IntegerProperty(p.id, checkNonZero(block, p, block.varint(p.label)));
            case STRING -> new MqttProperties.StringProperty(p.id, block.utf8(p.label));
            case BINARY -> new MqttProperties.BinaryProperty(p.id, block.binary(p.label));
            case STRING_PAIR -> new MqttProperties.UserProperty(block.utf8("User Property key"),
                    block.utf8("User Property value"));
        };
    }

    /** The byte-valued properties a client may send are all 0 or 1. */
    private static int checkByte(PacketReader block, Property p, int value) {
        boolean zeroOrOne = switch (p) {
            // MQTT 5 3.1.2.11.6 and 3.1.2.11.7: "It is a Protocol Error to have a value other than 0 or 1."
            case REQUEST_PROBLEM_INFORMATION, REQUEST_RESPONSE_INFORMATION, PAYLOAD_FORMAT_INDICATOR,
                 MAXIMUM_QOS, RETAIN_AVAILABLE, WILDCARD_SUBSCRIPTION_AVAILABLE,
                 SUBSCRIPTION_IDENTIFIER_AVAILABLE, SHARED_SUBSCRIPTION_AVAILABLE -> true;
            default -> false;
        };
        if (zeroOrOne && value > 1) {
            throw block.protocolError(p.label + " is " + value + ", not 0 or 1");
        }
        return value;
    }

    /**
     * Values the specification rules out as 0: Receive Maximum (3.1.2.11.3), Maximum Packet Size (3.1.2.11.4),
     * Subscription Identifier (3.8.2.1.2). Topic Alias 0 is the protocol handler's (it answers 0x94).
     */
    private static int checkNonZero(PacketReader block, Property p, int value) {
        if (value == 0 && (p == Property.RECEIVE_MAXIMUM || p == Property.MAXIMUM_PACKET_SIZE
                || p == Property.SUBSCRIPTION_IDENTIFIER)) {
            throw block.protocolError(p.label + " is 0");
        }
        return value;
    }

    private static String placeName(Place place) {
        return place == Place.WILL ? "the Will Properties" : "a " + place.name();
    }
}

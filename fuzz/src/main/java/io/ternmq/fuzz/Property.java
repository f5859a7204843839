package io.ternmq.fuzz;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The MQTT 5.0 properties (table 2-4): identifier, value type, and where each may appear, a packet type or the
 * Will Properties of a CONNECT. A property outside its packets is a Malformed Packet (§2.2.2.2); that is what
 * the mutator's "not allowed here" identifiers test.
 */
public enum Property {
    PAYLOAD_FORMAT_INDICATOR(0x01, Type.BYTE, true, PacketType.PUBLISH),
    MESSAGE_EXPIRY_INTERVAL(0x02, Type.FOUR_BYTE, true, PacketType.PUBLISH),
    CONTENT_TYPE(0x03, Type.UTF8, true, PacketType.PUBLISH),
    RESPONSE_TOPIC(0x08, Type.UTF8, true, PacketType.PUBLISH),
    CORRELATION_DATA(0x09, Type.BINARY, true, PacketType.PUBLISH),
    SUBSCRIPTION_IDENTIFIER(0x0B, Type.VARINT, false, PacketType.PUBLISH, PacketType.SUBSCRIBE),
    SESSION_EXPIRY_INTERVAL(0x11, Type.FOUR_BYTE, false, PacketType.CONNECT, PacketType.CONNACK,
            PacketType.DISCONNECT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Type.UTF8, false, PacketType.CONNACK),
    SERVER_KEEP_ALIVE(0x13, Type.TWO_BYTE, false, PacketType.CONNACK),
    AUTHENTICATION_METHOD(0x15, Type.UTF8, false, PacketType.CONNECT, PacketType.CONNACK, PacketType.AUTH),
    AUTHENTICATION_DATA(0x16, Type.BINARY, false, PacketType.CONNECT, PacketType.CONNACK, PacketType.AUTH),
    REQUEST_PROBLEM_INFORMATION(0x17, Type.BYTE, false, PacketType.CONNECT),
    WILL_DELAY_INTERVAL(0x18, Type.FOUR_BYTE, true),
    REQUEST_RESPONSE_INFORMATION(0x19, Type.BYTE, false, PacketType.CONNECT),
    RESPONSE_INFORMATION(0x1A, Type.UTF8, false, PacketType.CONNACK),
    SERVER_REFERENCE(0x1C, Type.UTF8, false, PacketType.CONNACK, PacketType.DISCONNECT),
    REASON_STRING(0x1F, Type.UTF8, false, PacketType.CONNACK, PacketType.PUBACK, PacketType.PUBREC,
            PacketType.PUBREL, PacketType.PUBCOMP, PacketType.SUBACK, PacketType.UNSUBACK, PacketType.DISCONNECT,
            PacketType.AUTH),
    RECEIVE_MAXIMUM(0x21, Type.TWO_BYTE, false, PacketType.CONNECT, PacketType.CONNACK),
    TOPIC_ALIAS_MAXIMUM(0x22, Type.TWO_BYTE, false, PacketType.CONNECT, PacketType.CONNACK),
    TOPIC_ALIAS(0x23, Type.TWO_BYTE, false, PacketType.PUBLISH),
    MAXIMUM_QOS(0x24, Type.BYTE, false, PacketType.CONNACK),
    RETAIN_AVAILABLE(0x25, Type.BYTE, false, PacketType.CONNACK),
    USER_PROPERTY(0x26, Type.UTF8_PAIR, true, PacketType.CONNECT, PacketType.CONNACK, PacketType.PUBLISH,
            PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP, PacketType.SUBSCRIBE,
            PacketType.SUBACK, PacketType.UNSUBSCRIBE, PacketType.UNSUBACK, PacketType.DISCONNECT, PacketType.AUTH),
    MAXIMUM_PACKET_SIZE(0x27, Type.FOUR_BYTE, false, PacketType.CONNECT, PacketType.CONNACK),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Type.BYTE, false, PacketType.CONNACK),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Type.BYTE, false, PacketType.CONNACK),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Type.BYTE, false, PacketType.CONNACK);

    /** How a property's value is encoded (MQTT 5.0 §1.5). */
    public enum Type {
        BYTE, TWO_BYTE, FOUR_BYTE, VARINT, UTF8, BINARY, UTF8_PAIR
    }

    private static final Property[] BY_ID = new Property[128];

    static {
        for (Property p : values()) {
            BY_ID[p.id] = p;
        }
    }

    private final int id;
    private final Type type;
    private final boolean inWill;
    private final Set<PacketType> packets;

    Property(int id, Type type, boolean inWill, PacketType... packets) {
        this.id = id;
        this.type = type;
        this.inWill = inWill;
        this.packets = packets.length == 0 ? EnumSet.noneOf(PacketType.class) : EnumSet.of(packets[0], packets);
    }

    public int id() {
        return id;
    }

    public Type type() {
        return type;
    }

    /** Whether the property may appear in the given packet's properties, or (will) in a CONNECT's Will Properties. */
    public boolean allowedIn(PacketType packet, boolean will) {
        return will ? inWill : packets.contains(packet);
    }

    /** The property an identifier names; null for an identifier MQTT 5.0 does not assign. */
    public static Property ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** The property's name as the spec writes it, e.g. "Session Expiry Interval". */
    public String title() {
        StringBuilder s = new StringBuilder();
        for (String word : name().split("_")) {
            if (!s.isEmpty()) {
                s.append(' ');
            }
            s.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }
}

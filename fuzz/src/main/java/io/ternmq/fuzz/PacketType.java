package io.ternmq.fuzz;

/**
 * The fifteen MQTT control packet types, with the fixed header flags each must carry (MQTT 5.0 table 2-2,
 * 3.1.1 table 2.2): 0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0000 for the others, and DUP/QoS/RETAIN for
 * PUBLISH.
 */
public enum PacketType {
    CONNECT(1, 0),
    CONNACK(2, 0),
    PUBLISH(3, 0),
    PUBACK(4, 0),
    PUBREC(5, 0),
    PUBREL(6, 2),
    PUBCOMP(7, 0),
    SUBSCRIBE(8, 2),
    SUBACK(9, 0),
    UNSUBSCRIBE(10, 2),
    UNSUBACK(11, 0),
    PINGREQ(12, 0),
    PINGRESP(13, 0),
    DISCONNECT(14, 0),
    AUTH(15, 0);

    private static final PacketType[] BY_VALUE = new PacketType[16];

    static {
        for (PacketType t : values()) {
            BY_VALUE[t.value] = t;
        }
    }

    private final int value;
    private final int requiredFlags;

    PacketType(int value, int requiredFlags) {
        this.value = value;
        this.requiredFlags = requiredFlags;
    }

    /** The type's number, bits 7-4 of the first byte. */
    public int value() {
        return value;
    }

    /** Bits 3-0 of the first byte as the spec fixes them; for PUBLISH the flags of a QoS 0, non-retained one. */
    public int requiredFlags() {
        return requiredFlags;
    }

    /** The first byte of a packet of this type with its required flags. */
    public int firstByte() {
        return value << 4 | requiredFlags;
    }

    /** Whether the fixed header flags are reserved (all but PUBLISH, whose flags carry DUP, QoS and RETAIN). */
    public boolean flagsReserved() {
        return this != PUBLISH;
    }

    /** The type a first byte names; null for type 0, which is reserved (forbidden). */
    public static PacketType ofFirstByte(int firstByte) {
        return BY_VALUE[(firstByte >> 4) & 0x0F];
    }
}

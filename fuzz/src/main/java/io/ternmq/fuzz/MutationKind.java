package io.ternmq.fuzz;

import java.util.Locale;

/**
 * The ways {@link Mutator} breaks a packet. They are applied in the order declared here: first on the packet's
 * fields (lengths recomputed around the change), then on the encoded body (Remaining Length recomputed), then on
 * the fixed header, last on the bytes as sent. Every label of a case starts with its kind's {@link #label()}.
 */
public enum MutationKind {
    /** A string's, binary field's or property block's own length claims more or less than it holds. */
    INNER_LENGTH,
    /** A property identifier replaced: unassigned, valid but not allowed in this packet (§2.2.2.2), or random. */
    PROPERTY_ID,
    /** A property value shorter or longer than its type, or its string length wrong. */
    PROPERTY_LENGTH,
    /** A property repeated; a Protocol Error for all but User Property (5.0 §3.1.2.11.2 and the like). */
    PROPERTY_DUPLICATE,
    /**
     * Ill-formed UTF-8 (overlong, lone continuation bytes, truncated, bytes no UTF-8 has), an encoded surrogate or
     * U+0000 in a string [MQTT-1.5.4-1], [MQTT-1.5.4-2] (3.1.1: [MQTT-1.5.3-1], [MQTT-1.5.3-2]).
     */
    BAD_UTF8,
    /**
     * Reserved bits set: fixed header flags [MQTT-2.1.3-1] (3.1.1 [MQTT-2.2.2-1]; for PUBLISH, DUP on QoS 0
     * [MQTT-3.3.1-2]), CONNECT flag bit 0 [MQTT-3.1.2-3], subscription options [MQTT-3.8.3-5] (3.1.1 [MQTT-3-8.3-4]).
     */
    RESERVED_FLAGS,
    /**
     * QoS 3: PUBLISH [MQTT-3.3.1-4]; subscription options (5.0 §3.8.3.1, 3.1.1 [MQTT-3-8.3-4]); CONNECT Will QoS
     * [MQTT-3.1.2-12] (3.1.1 [MQTT-3.1.2-14]).
     */
    QOS_3,
    /**
     * A Variable Byte Integer five bytes long (FF FF FF FF 7F; at most four are allowed, §1.5.5) or not minimal
     * (80 00 for 0) [MQTT-1.5.5-1]: the Remaining Length, a property length, a property id, a Subscription Identifier.
     */
    HUGE_VARINT,
    /** The body cut short and the Remaining Length fixed to match: fields end early. */
    TRUNCATE_FIX_LENGTH,
    /** Bytes inserted into the body, Remaining Length fixed to match. */
    INSERT_BYTES,
    /** Bytes deleted from the body, Remaining Length fixed to match. */
    DELETE_BYTES,
    /** The Remaining Length changed, up or down, also beyond what follows and up to 268,435,455. */
    REMAINING_LENGTH,
    /** The packet cut short with its original Remaining Length: the receiver waits for bytes that never come. */
    TRUNCATE_KEEP_LENGTH,
    /** Bits flipped anywhere, fixed header included. */
    BIT_FLIP;

    /** The kind as labels start with it, e.g. "bad-utf8". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The kind a label such as "bad-utf8: topic-name surrogate ED A0 80 at 2" names. */
    public static MutationKind ofLabel(String label) {
        int colon = label.indexOf(':');
        String kind = colon < 0 ? label : label.substring(0, colon);
        return valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}

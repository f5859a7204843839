package io.ternmq.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttMessageType;

/**
 * Reads the fields of one packet, or of one property block inside it, and never past its end: every read names
 * its field, and a field that needs more bytes than are left is a Malformed Packet at once, however many bytes
 * the connection has buffered after this packet. The bytes are the caller's; this only moves an index.
 */
final class PacketReader {

    private final ByteBuf buf;
    private final int end;
    private final MqttMessageType type;
    private final int level;
    private int index;

    PacketReader(ByteBuf buf, int index, int length, MqttMessageType type, int level) {
        this.buf = buf;
        this.index = index;
        this.end = index + length;
        this.type = type;
        this.level = level;
    }

    MqttMessageType type() {
        return type;
    }

    /** The connection's protocol level (3, 4, 5), or 0 before CONNECT. */
    int level() {
        return level;
    }

    int remaining() {
        return end - index;
    }

    int u8(String field) {
        need(1, field);
        return buf.getUnsignedByte(index++);
    }

    int u16(String field) {
        need(2, field);
        int value = buf.getUnsignedShort(index);
        index += 2;
        return value;
    }

    int u32(String field) {
        need(4, field);
        int value = buf.getInt(index);
        index += 4;
        return value;
    }

    /**
     * A Variable Byte Integer: at most four bytes, in the fewest bytes that hold the value (MQTT-1.5.5-1).
     */
    int varint(String field) {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = u8(field);
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw malformed(field + " is not in its shortest encoding");
                }
                return value;
            }
        }
        throw malformed(field + " is longer than four bytes");
    }

    /** A UTF-8 Encoded String: two bytes of length, then well-formed UTF-8 without U+0000. */
    String utf8(String field) {
        int length = u16(field + " length");
        need(length, field);
        String value = Utf8.decode(buf, index, length);
        if (value == null) {
            throw malformed(field + " is not well-formed UTF-8 or contains U+0000");
        }
        index += length;
        return value;
    }

    /** Binary Data: two bytes of length, then the bytes. */
    byte[] binary(String field) {
        int length = u16(field + " length");
        return bytes(length, field);
    }

    /** Everything that is left, e.g. a PUBLISH payload. */
    byte[] rest() {
        return bytes(remaining(), "payload");
    }

    private byte[] bytes(int length, String field) {
        need(length, field);
        byte[] out = new byte[length];
        buf.getBytes(index, out);
        index += length;
        return out;
    }

    /** A reader of the next {@code length} bytes (a property block), which this reader then skips. */
    PacketReader slice(int length, String field) {
        need(length, field);
        PacketReader slice = new PacketReader(buf, index, length, type, level);
        index += length;
        return slice;
    }

    /** A reader of the rest of this packet at another protocol level (CONNECT names its own); this one is spent. */
    PacketReader withLevel(int protocolLevel) {
        PacketReader rest = new PacketReader(buf, index, remaining(), type, protocolLevel);
        index = end;
        return rest;
    }

    /** The packet must end here: bytes left over mean its lengths do not add up. */
    void end(String after) {
        if (remaining() != 0) {
            throw malformed(remaining() + " unexpected bytes after " + after);
        }
    }

    private void need(int bytes, String field) {
        if (end - index < bytes) {
            throw malformed(field + " needs " + bytes + " bytes, " + (end - index) + " left in the packet");
        }
    }

    MqttDecodeException malformed(String what) {
        return new MqttDecodeException(ReasonCode.MALFORMED_PACKET, type, level, "malformed " + type + ": " + what);
    }

    MqttDecodeException protocolError(String what) {
        return new MqttDecodeException(ReasonCode.PROTOCOL_ERROR, type, level, "protocol error in " + type + ": " + what);
    }
}

package io.ternmq.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes one MQTT packet field by field, in wire order: integers, UTF-8 strings and binary data with their Two
 * Byte Integer lengths, Variable Byte Integers, property blocks. {@link #packet()} keeps the layout (what each
 * field is, for the mutator); {@link #bytes()} is the packet on the wire, Remaining Length included.
 *
 * <pre>{@code
 * byte[] puback = new PacketWriter(PacketType.PUBACK).u16(Role.PACKET_ID, 7).u8(Role.REASON_CODE, 0x10)
 *         .properties(p -> p.utf8(Property.REASON_STRING, "no subscribers")).bytes();
 * }</pre>
 */
public final class PacketWriter {

    private final int firstByte;
    private final List<Field> fields = new ArrayList<>();

    /** A packet of this type with its required fixed header flags. */
    public PacketWriter(PacketType type) {
        this(type.firstByte());
    }

    /** A packet with exactly this first byte (type and flags), e.g. a PUBLISH with QoS 1: 0x32. */
    public PacketWriter(int firstByte) {
        this.firstByte = firstByte & 0xFF;
    }

    public PacketWriter u8(Role role, int value) {
        return raw(role, new byte[] {(byte) value});
    }

    public PacketWriter u16(Role role, int value) {
        return raw(role, twoBytes(value));
    }

    public PacketWriter u32(Role role, long value) {
        return raw(role, fourBytes(value));
    }

    public PacketWriter varint(Role role, int value) {
        return raw(role, VarInt.encode(value));
    }

    /** Bytes without a length prefix, such as a PUBLISH payload. */
    public PacketWriter raw(Role role, byte[] bytes) {
        fields.add(Field.raw(role, bytes.clone()));
        return this;
    }

    /** A UTF-8 Encoded String: Two Byte Integer length, then the UTF-8 bytes. */
    public PacketWriter utf8(Role role, String value) {
        fields.add(Field.utf8(role, value.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** Binary Data: Two Byte Integer length, then the bytes. */
    public PacketWriter binary(Role role, byte[] value) {
        fields.add(Field.binary(role, value.clone()));
        return this;
    }

    /** A topic filter and its subscription options byte (SUBSCRIBE payload). */
    public PacketWriter subscription(String filter, int options) {
        fields.add(Field.group(Role.SUBSCRIPTION, List.of(
                Field.utf8(Role.TOPIC_FILTER, filter.getBytes(StandardCharsets.UTF_8)),
                Field.raw(Role.SUBSCRIPTION_OPTIONS, new byte[] {(byte) options}))));
        return this;
    }

    /** An MQTT 5.0 property block; an empty one is the single byte 0 [MQTT-2.2.2-1]. */
    public PacketWriter properties(Consumer<PropertyWriter> properties) {
        return block(Role.PROPERTIES, properties);
    }

    /** The Will Properties of an MQTT 5.0 CONNECT. */
    public PacketWriter willProperties(Consumer<PropertyWriter> properties) {
        return block(Role.WILL_PROPERTIES, properties);
    }

    private PacketWriter block(Role role, Consumer<PropertyWriter> properties) {
        PropertyWriter w = new PropertyWriter();
        properties.accept(w);
        fields.add(Field.properties(role, w.fields()));
        return this;
    }

    /** The packet with its layout. */
    public Packet packet() {
        List<Field> copies = new ArrayList<>(fields.size());
        fields.forEach(f -> copies.add(f.copy()));
        return new Packet(firstByte, copies);
    }

    /** The packet as it goes on the wire. */
    public byte[] bytes() {
        return packet().bytes();
    }

    static byte[] twoBytes(int value) {
        return new byte[] {(byte) (value >> 8), (byte) value};
    }

    static byte[] fourBytes(long value) {
        return new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    }
}

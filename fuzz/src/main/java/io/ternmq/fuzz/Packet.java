package io.ternmq.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT packet as a first byte and the fields after the Remaining Length, which is computed from them. The
 * layout is what lets {@link Mutator} change one string, one property or one length and keep the rest intact.
 */
public final class Packet {

    int firstByte;
    final List<Field> fields;

    Packet(int firstByte, List<Field> fields) {
        this.firstByte = firstByte;
        this.fields = fields;
    }

    /** The type the first byte names; null for the reserved type 0. */
    public PacketType type() {
        return PacketType.ofFirstByte(firstByte);
    }

    /** The Variable Header and Payload: what the Remaining Length counts. */
    public byte[] body() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach(f -> f.encodeTo(out));
        return out.toByteArray();
    }

    /** The whole packet: first byte, minimal Remaining Length, body. */
    public byte[] bytes() {
        byte[] body = body();
        byte[] length = VarInt.encode(body.length);
        byte[] out = new byte[1 + length.length + body.length];
        out[0] = (byte) firstByte;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(body, 0, out, 1 + length.length, body.length);
        return out;
    }

    /** A deep copy, for a mutation to change. */
    public Packet copy() {
        List<Field> copies = new ArrayList<>(fields.size());
        fields.forEach(f -> copies.add(f.copy()));
        return new Packet(firstByte, copies);
    }

    /**
     * A copy whose (non-empty) client identifiers are {@code clientId}, so that concurrent cases built from the
     * same CONNECT do not take each other's sessions over [MQTT-3.1.4-3]. An empty one stays empty: it asks the
     * server to assign one.
     */
    public Packet withClientId(String clientId) {
        Packet p = copy();
        p.allFields().forEach(f -> {
            if (f.role == Role.CLIENT_ID && f.content.length > 0) {
                f.content = clientId.getBytes(StandardCharsets.UTF_8);
            }
        });
        return p;
    }

    /** Every field, nested ones included, in wire order. */
    List<Field> allFields() {
        List<Field> all = new ArrayList<>();
        fields.forEach(f -> f.forEach(all::add));
        return all;
    }
}

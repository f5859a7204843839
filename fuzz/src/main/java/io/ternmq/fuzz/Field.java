package io.ternmq.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One piece of a packet as {@link PacketWriter} laid it out: raw bytes, a length-prefixed UTF-8 string or binary
 * data, a property block, or a group of fields (a property, a subscription). Length prefixes are computed when
 * the packet is encoded, unless a mutation wrote one of its own, so a mutation can change what a field holds and
 * the packet around it stays well-formed, or change only what a length claims.
 */
final class Field {

    enum Shape {
        /** Bytes as they are: integers, flags, payload, identifiers. */
        RAW,
        /** A Two Byte Integer length, then UTF-8 (MQTT 5.0 §1.5.4). */
        UTF8,
        /** A Two Byte Integer length, then bytes (§1.5.6). */
        BINARY,
        /** A Variable Byte Integer length, then the child fields (§2.2.2). */
        PROPERTIES,
        /** The child fields one after another, no length. */
        GROUP
    }

    final Shape shape;
    final Role role;
    /** RAW, UTF8, BINARY: the bytes (after the length prefix). */
    byte[] content;
    /** PROPERTIES, GROUP: the fields inside. */
    final List<Field> children;
    /** UTF8, BINARY, PROPERTIES: the length prefix as a mutation wrote it; null for the true length. */
    byte[] lengthPrefix;

    private Field(Shape shape, Role role, byte[] content, List<Field> children) {
        this.shape = shape;
        this.role = role;
        this.content = content;
        this.children = children;
    }

    static Field raw(Role role, byte[] bytes) {
        return new Field(Shape.RAW, role, bytes, null);
    }

    static Field utf8(Role role, byte[] bytes) {
        return new Field(Shape.UTF8, role, bytes, null);
    }

    static Field binary(Role role, byte[] bytes) {
        return new Field(Shape.BINARY, role, bytes, null);
    }

    static Field properties(Role role, List<Field> properties) {
        return new Field(Shape.PROPERTIES, role, null, new ArrayList<>(properties));
    }

    static Field group(Role role, List<Field> fields) {
        return new Field(Shape.GROUP, role, null, new ArrayList<>(fields));
    }

    boolean prefixed() {
        return shape == Shape.UTF8 || shape == Shape.BINARY || shape == Shape.PROPERTIES;
    }

    /** The length a correct prefix would hold: content bytes, or the encoded size of the properties. */
    int trueLength() {
        return shape == Shape.PROPERTIES ? childrenBytes().length : content.length;
    }

    void encodeTo(ByteArrayOutputStream out) {
        switch (shape) {
            case RAW -> out.writeBytes(content);
            case UTF8, BINARY -> {
                if (lengthPrefix != null) {
                    out.writeBytes(lengthPrefix);
                } else {
                    out.write(content.length >> 8);
                    out.write(content.length);
                }
                out.writeBytes(content);
            }
            case PROPERTIES -> {
                byte[] inside = childrenBytes();
                out.writeBytes(lengthPrefix != null ? lengthPrefix : VarInt.encode(inside.length));
                out.writeBytes(inside);
            }
            case GROUP -> children.forEach(c -> c.encodeTo(out));
        }
    }

    private byte[] childrenBytes() {
        ByteArrayOutputStream inside = new ByteArrayOutputStream();
        children.forEach(c -> c.encodeTo(inside));
        return inside.toByteArray();
    }

    /** This field and every field inside it, depth first, in wire order. */
    void forEach(Consumer<Field> visitor) {
        visitor.accept(this);
        if (children != null) {
            children.forEach(c -> c.forEach(visitor));
        }
    }

    Field copy() {
        Field f = new Field(shape, role, content == null ? null : content.clone(),
                children == null ? null : new ArrayList<>(children.size()));
        if (children != null) {
            children.forEach(c -> f.children.add(c.copy()));
        }
        f.lengthPrefix = lengthPrefix == null ? null : lengthPrefix.clone();
        return f;
    }
}

package io.ternmq.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The properties of one MQTT 5.0 property block, each an identifier and a value of the property's type. A value
 * of the wrong type is refused here: the corpus is valid by construction, and breaking it is the mutator's job.
 */
public final class PropertyWriter {

    private final List<Field> properties = new ArrayList<>();

    PropertyWriter() {
    }

    /** A Byte, Two Byte Integer, Four Byte Integer or Variable Byte Integer property. */
    public PropertyWriter number(Property p, long value) {
        byte[] encoded = switch (p.type()) {
            case BYTE -> new byte[] {(byte) value};
            case TWO_BYTE -> PacketWriter.twoBytes((int) value);
            case FOUR_BYTE -> PacketWriter.fourBytes(value);
            case VARINT -> VarInt.encode((int) value);
            default -> throw new IllegalArgumentException(p + " is not a number but " + p.type());
        };
        return add(p, Field.raw(Role.PROPERTY_VALUE, encoded));
    }

    public PropertyWriter utf8(Property p, String value) {
        requireType(p, Property.Type.UTF8);
        return add(p, Field.utf8(Role.PROPERTY_VALUE, value.getBytes(StandardCharsets.UTF_8)));
    }

    public PropertyWriter binary(Property p, byte[] value) {
        requireType(p, Property.Type.BINARY);
        return add(p, Field.binary(Role.PROPERTY_VALUE, value.clone()));
    }

    /** A User Property: a UTF-8 String Pair; the one property that may appear more than once. */
    public PropertyWriter userProperty(String name, String value) {
        return add(Property.USER_PROPERTY, Field.utf8(Role.PROPERTY_VALUE, name.getBytes(StandardCharsets.UTF_8)),
                Field.utf8(Role.PROPERTY_VALUE, value.getBytes(StandardCharsets.UTF_8)));
    }

    private PropertyWriter add(Property p, Field... value) {
        List<Field> parts = new ArrayList<>();
        parts.add(Field.raw(Role.PROPERTY_ID, VarInt.encode(p.id())));
        parts.addAll(List.of(value));
        properties.add(Field.group(Role.PROPERTY, parts));
        return this;
    }

    private static void requireType(Property p, Property.Type type) {
        if (p.type() != type) {
            throw new IllegalArgumentException(p + " is " + p.type() + ", not " + type);
        }
    }

    List<Field> fields() {
        return properties;
    }
}

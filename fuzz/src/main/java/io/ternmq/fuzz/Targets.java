package io.ternmq.fuzz;

import java.util.ArrayList;
import java.util.List;

/** The fields of a packet a mutation can aim at, found by their shape and role. */
final class Targets {

    /** One property and the block it sits in; {@code will} for a CONNECT's Will Properties. */
    record PropertySlot(Field block, Field property, boolean will) {
        Field id() {
            return property.children.get(0);
        }

        /** The property its identifier names now; null once a mutation made the identifier unassigned. */
        Property current() {
            int id = VarInt.decode(id().content, 0);
            return Property.ofId(id);
        }

        List<Field> value() {
            return property.children.subList(1, property.children.size());
        }
    }

    private Targets() {
    }

    /** UTF-8 strings, binary data and property blocks: the fields that carry a length of their own. */
    static List<Field> prefixed(Packet p) {
        return p.allFields().stream().filter(Field::prefixed).toList();
    }

    static List<Field> strings(Packet p) {
        return p.allFields().stream().filter(f -> f.shape == Field.Shape.UTF8).toList();
    }

    static List<Field> withRole(Packet p, Role role) {
        return p.allFields().stream().filter(f -> f.role == role).toList();
    }

    /** Property blocks only stand at the top level of a packet (the CONNECT Will Properties included). */
    static List<PropertySlot> properties(Packet p) {
        List<PropertySlot> slots = new ArrayList<>();
        for (Field f : p.fields) {
            if (f.shape == Field.Shape.PROPERTIES) {
                for (Field property : f.children) {
                    slots.add(new PropertySlot(f, property, f.role == Role.WILL_PROPERTIES));
                }
            }
        }
        return slots;
    }

    /** Property blocks, empty ones included. */
    static List<Field> propertyBlocks(Packet p) {
        return p.fields.stream().filter(f -> f.shape == Field.Shape.PROPERTIES).toList();
    }

    /**
     * Variable Byte Integers inside the body: property identifiers and Subscription Identifier values. (Property
     * lengths are prefixes, reached through {@link #propertyBlocks}.)
     */
    static List<Field> varints(Packet p) {
        List<Field> varints = new ArrayList<>();
        for (PropertySlot slot : properties(p)) {
            varints.add(slot.id());
            Property current = slot.current();
            if (current != null && current.type() == Property.Type.VARINT) {
                varints.add(slot.value().get(0));
            }
        }
        return varints;
    }
}

package io.ternmq.fuzz;

/**
 * One valid packet of the corpus: a label such as "mqtt5 subscribe options", the protocol level it is written for
 * (3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0) and the packet, whose layout the mutator works on.
 */
public final class Seed {

    private final String label;
    private final int level;
    private final Packet packet;

    Seed(String label, int level, Packet packet) {
        this.label = label;
        this.level = level;
        this.packet = packet;
    }

    public String label() {
        return label;
    }

    /** The protocol level: 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0). */
    public int level() {
        return level;
    }

    public PacketType type() {
        return packet.type();
    }

    /** The packet as it goes on the wire. */
    public byte[] bytes() {
        return packet.bytes();
    }

    /** A copy of the packet with its layout. */
    public Packet packet() {
        return packet.copy();
    }

    /** The same seed with another client identifier, if it is a CONNECT with one. */
    public Seed withClientId(String clientId) {
        return new Seed(label, level, packet.withClientId(clientId));
    }

    @Override
    public String toString() {
        return label;
    }
}

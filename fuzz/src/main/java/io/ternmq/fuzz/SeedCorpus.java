package io.ternmq.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Valid packets of every MQTT packet type for MQTT 3.1 (protocol name "MQIsdp", level 3), 3.1.1 (level 4) and 5.0
 * (level 5): what a client sends a server, and also what only a server sends (CONNACK, SUBACK, UNSUBACK,
 * PINGRESP), since a hostile client sends those too. Each is the starting point of mutations; sent unmutated,
 * each of the client's packets is one a broker has to accept or refuse by the rules, not by a parse failure.
 */
public final class SeedCorpus {

    /** The protocol levels the corpus covers: MQTT 3.1, 3.1.1 and 5.0. */
    public static final List<Integer> LEVELS = List.of(3, 4, 5);

    /** The client identifier of the seed CONNECTs; {@link Seed#withClientId} gives each case its own. */
    public static final String SEED_CLIENT_ID = "fuzz-seed";

    /** Keep Alive of every CONNECT here: long enough that no case outlives it. */
    public static final int KEEP_ALIVE_SECONDS = 60;

    private static final int CLEAN = 0x02;
    private static final int WILL = 0x04;
    private static final int WILL_QOS_1 = 0x08;
    private static final int PASSWORD = 0x40;
    private static final int USER_NAME = 0x80;
    private static final String TOPIC = "fuzz/t";
    private static final byte[] PAYLOAD = "hello".getBytes(StandardCharsets.UTF_8);

    private static final List<Seed> ALL = build();

    private SeedCorpus() {
    }

    /** Every seed, level 3 first, then 4, then 5; the same list, in the same order, every time. */
    public static List<Seed> all() {
        return ALL;
    }

    /** The seeds of one protocol level. */
    public static List<Seed> forLevel(int level) {
        return ALL.stream().filter(s -> s.level() == level).toList();
    }

    /**
     * The valid CONNECT a case is sent after: clean session (5.0: clean start, no session expiry), Keep Alive
     * {@value #KEEP_ALIVE_SECONDS} s, no will, no user name, no properties.
     */
    public static byte[] connect(int level, String clientId) {
        return connect(level, clientId, CLEAN, p -> { }, null).bytes();
    }

    /** "MQIsdp" for MQTT 3.1, "MQTT" for 3.1.1 and 5.0. */
    public static String protocolName(int level) {
        return level == 3 ? "MQIsdp" : "MQTT";
    }

    /** The label prefix of a level: mqtt3.1, mqtt3.1.1, mqtt5. */
    public static String version(int level) {
        return switch (level) {
            case 3 -> "mqtt3.1";
            case 4 -> "mqtt3.1.1";
            case 5 -> "mqtt5";
            default -> throw new IllegalArgumentException("protocol level " + level + " is not 3, 4 or 5");
        };
    }

    private static List<Seed> build() {
        List<Seed> seeds = new ArrayList<>();
        for (int level : LEVELS) {
            Corpus c = new Corpus(level, seeds);
            c.connects();
            c.publishes();
            c.acks();
            c.subscriptions();
            c.session();
            c.serverPackets();
        }
        return List.copyOf(seeds);
    }

    /** The seeds of one level, written into a shared list. */
    private static final class Corpus {
        final int level;
        final boolean v5;
        final List<Seed> out;

        Corpus(int level, List<Seed> out) {
            this.level = level;
            this.v5 = level == 5;
            this.out = out;
        }

        void add(String what, PacketWriter w) {
            out.add(new Seed(version(level) + " " + what, level, w.packet()));
        }

        void add(String what, Packet p) {
            out.add(new Seed(version(level) + " " + what, level, p));
        }

        void connects() {
            add("connect", connect(level, SEED_CLIENT_ID, CLEAN, p -> { }, null));
            add("connect user name and password", connect(level, SEED_CLIENT_ID, CLEAN | USER_NAME | PASSWORD,
                    p -> { }, null));
            add("connect will", connect(level, SEED_CLIENT_ID, CLEAN | WILL | WILL_QOS_1, p -> { }, w -> { }));
            if (!v5) {
                return;
            }
            add("connect properties", connect(level, SEED_CLIENT_ID, CLEAN, p -> p
                    .number(Property.SESSION_EXPIRY_INTERVAL, 300)
                    .number(Property.RECEIVE_MAXIMUM, 20)
                    .number(Property.MAXIMUM_PACKET_SIZE, 65_536)
                    .number(Property.TOPIC_ALIAS_MAXIMUM, 10)
                    .number(Property.REQUEST_PROBLEM_INFORMATION, 1)
                    .number(Property.REQUEST_RESPONSE_INFORMATION, 0)
                    .userProperty("site", "north")
                    .userProperty("unit", "C"), null));
            add("connect will properties", connect(level, SEED_CLIENT_ID, CLEAN | WILL | WILL_QOS_1,
                    p -> p.number(Property.SESSION_EXPIRY_INTERVAL, 0),
                    w -> w.number(Property.WILL_DELAY_INTERVAL, 5)
                            .number(Property.PAYLOAD_FORMAT_INDICATOR, 1)
                            .number(Property.MESSAGE_EXPIRY_INTERVAL, 60)
                            .utf8(Property.CONTENT_TYPE, "text/plain")
                            .utf8(Property.RESPONSE_TOPIC, "fuzz/reply")
                            .binary(Property.CORRELATION_DATA, new byte[] {1, 2, 3, 4})
                            .userProperty("why", "gone")));
            // An empty client id asks the server to assign one (MQTT-3.1.3-6).
            add("connect assigned client id", connect(level, "", CLEAN, p -> { }, null));
            add("connect authentication method", connect(level, SEED_CLIENT_ID, CLEAN, p -> p
                    .utf8(Property.AUTHENTICATION_METHOD, "SCRAM-SHA-256")
                    .binary(Property.AUTHENTICATION_DATA, "n,,n=user,r=nonce".getBytes(StandardCharsets.UTF_8)),
                    null));
        }

        void publishes() {
            add("publish qos0", publish(0x30, -1, p -> { }));
            add("publish qos1", publish(0x32, 1, p -> { }));
            if (!v5) {
                return;
            }
            add("publish qos1 properties", publish(0x32, 2, p -> p
                    .number(Property.PAYLOAD_FORMAT_INDICATOR, 1)
                    .number(Property.MESSAGE_EXPIRY_INTERVAL, 120)
                    .utf8(Property.CONTENT_TYPE, "text/plain")
                    .utf8(Property.RESPONSE_TOPIC, "fuzz/reply")
                    .binary(Property.CORRELATION_DATA, new byte[] {9, 8, 7})
                    .userProperty("site", "north")
                    .userProperty("site", "south")
                    .number(Property.TOPIC_ALIAS, 1)));
            add("publish qos0 topic alias", publish(0x30, -1, p -> p.number(Property.TOPIC_ALIAS, 2)));
        }

        void acks() {
            add("puback", new PacketWriter(PacketType.PUBACK).u16(Role.PACKET_ID, 1));
            add("pubrec", ack(PacketType.PUBREC, 0x10, p -> p.utf8(Property.REASON_STRING, "no subscribers")));
            add("pubrel", ack(PacketType.PUBREL, 0x92, p -> p.utf8(Property.REASON_STRING, "not found")));
            add("pubcomp", ack(PacketType.PUBCOMP, 0x00, p -> p.userProperty("k", "v")));
            if (v5) {
                add("puback reason", ack(PacketType.PUBACK, 0x10,
                        p -> p.utf8(Property.REASON_STRING, "no matching subscribers")));
            }
        }

        void subscriptions() {
            PacketWriter subscribe = new PacketWriter(PacketType.SUBSCRIBE).u16(Role.PACKET_ID, 2);
            if (v5) {
                subscribe.properties(p -> p.number(Property.SUBSCRIPTION_IDENTIFIER, 7).userProperty("k", "v"))
                        .subscription("fuzz/a", 0x00)
                        .subscription("fuzz/+/b", 0x01 | 0x04 | 0x08)  // QoS 1, No Local, Retain As Published
                        .subscription("fuzz/#", 0x01 | 0x10)          // Retain Handling 1
                        .subscription("fuzz/c", 0x02 | 0x20);         // QoS 2, Retain Handling 2
                add("subscribe options", subscribe);
            } else {
                add("subscribe", subscribe.subscription("fuzz/a", 0).subscription("fuzz/+/b", 1)
                        .subscription("fuzz/#", 1));
            }
            if (level >= 4) {
                PacketWriter shared = new PacketWriter(PacketType.SUBSCRIBE).u16(Role.PACKET_ID, 3);
                if (v5) {
                    shared.properties(p -> { });
                }
                add("subscribe shared", shared.subscription("$share/g/fuzz/#", 1));
            }
            PacketWriter unsubscribe = new PacketWriter(PacketType.UNSUBSCRIBE).u16(Role.PACKET_ID, 4);
            if (v5) {
                unsubscribe.properties(p -> p.userProperty("k", "v"));
            }
            add("unsubscribe", unsubscribe.utf8(Role.TOPIC_FILTER, "fuzz/a").utf8(Role.TOPIC_FILTER, "fuzz/#"));
        }

        void session() {
            add("pingreq", new PacketWriter(PacketType.PINGREQ));
            add("disconnect", new PacketWriter(PacketType.DISCONNECT));
            if (!v5) {
                return;
            }
            add("disconnect reason", new PacketWriter(PacketType.DISCONNECT).u8(Role.REASON_CODE, 0x04)
                    .properties(p -> p.number(Property.SESSION_EXPIRY_INTERVAL, 0)
                            .utf8(Property.REASON_STRING, "going away")));
            add("auth", new PacketWriter(PacketType.AUTH).u8(Role.REASON_CODE, 0x18)
                    .properties(p -> p.utf8(Property.AUTHENTICATION_METHOD, "SCRAM-SHA-256")
                            .binary(Property.AUTHENTICATION_DATA, "c=biws,r=nonce".getBytes(StandardCharsets.UTF_8))
                            .utf8(Property.REASON_STRING, "continue")));
        }

        /** What only a server sends; a client sending it breaks the protocol, not the parser. */
        void serverPackets() {
            PacketWriter connack = new PacketWriter(PacketType.CONNACK).u8(Role.ACK_FLAGS, 0)
                    .u8(Role.REASON_CODE, 0);
            if (v5) {
                connack.properties(p -> p.number(Property.RECEIVE_MAXIMUM, 10)
                        .number(Property.MAXIMUM_QOS, 1)
                        .number(Property.RETAIN_AVAILABLE, 0)
                        .number(Property.MAXIMUM_PACKET_SIZE, 266_240)
                        .utf8(Property.ASSIGNED_CLIENT_IDENTIFIER, "auto-1")
                        .number(Property.TOPIC_ALIAS_MAXIMUM, 16)
                        .number(Property.WILDCARD_SUBSCRIPTION_AVAILABLE, 1)
                        .number(Property.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 1)
                        .number(Property.SHARED_SUBSCRIPTION_AVAILABLE, 1)
                        .number(Property.SERVER_KEEP_ALIVE, 30)
                        .utf8(Property.RESPONSE_INFORMATION, "fuzz/responses")
                        .utf8(Property.SERVER_REFERENCE, "other.example:1883"));
            }
            add("connack", connack);
            PacketWriter suback = new PacketWriter(PacketType.SUBACK).u16(Role.PACKET_ID, 2);
            if (v5) {
                suback.properties(p -> p.utf8(Property.REASON_STRING, "granted"));
            }
            add("suback", suback.u8(Role.REASON_CODE, 0x00).u8(Role.REASON_CODE, 0x01)
                    .u8(Role.REASON_CODE, level == 3 ? 0x02 : 0x80));
            PacketWriter unsuback = new PacketWriter(PacketType.UNSUBACK).u16(Role.PACKET_ID, 4);
            if (v5) {
                unsuback.properties(p -> p.utf8(Property.REASON_STRING, "done"))
                        .u8(Role.REASON_CODE, 0x00).u8(Role.REASON_CODE, 0x11);
            }
            add("unsuback", unsuback);
            add("pingresp", new PacketWriter(PacketType.PINGRESP));
        }

        private PacketWriter publish(int firstByte, int packetId, Consumer<PropertyWriter> properties) {
            PacketWriter w = new PacketWriter(firstByte).utf8(Role.TOPIC_NAME, TOPIC);
            if (packetId > 0) {
                w.u16(Role.PACKET_ID, packetId);
            }
            if (v5) {
                w.properties(properties);
            }
            return w.raw(Role.PAYLOAD, PAYLOAD);
        }

        /** PUBACK, PUBREC, PUBREL, PUBCOMP: packet id; in 5.0 also a reason code and properties. */
        private PacketWriter ack(PacketType type, int reasonCode, Consumer<PropertyWriter> properties) {
            PacketWriter w = new PacketWriter(type).u16(Role.PACKET_ID, 1);
            return v5 ? w.u8(Role.REASON_CODE, reasonCode).properties(properties) : w;
        }
    }

    /**
     * A CONNECT: protocol name and level, flags, Keep Alive, (5.0) properties; then client id, (will flag) will
     * properties (5.0), will topic and payload, user name and password as the flags say (MQTT-3.1.3-1 order).
     */
    private static Packet connect(int level, String clientId, int flags, Consumer<PropertyWriter> properties,
                                  Consumer<PropertyWriter> willProperties) {
        PacketWriter w = new PacketWriter(PacketType.CONNECT)
                .utf8(Role.PROTOCOL_NAME, protocolName(level))
                .u8(Role.PROTOCOL_LEVEL, level)
                .u8(Role.CONNECT_FLAGS, flags)
                .u16(Role.KEEP_ALIVE, KEEP_ALIVE_SECONDS);
        if (level == 5) {
            w.properties(properties);
        }
        w.utf8(Role.CLIENT_ID, clientId);
        if ((flags & WILL) != 0) {
            if (level == 5) {
                w.willProperties(willProperties);
            }
            w.utf8(Role.WILL_TOPIC, "fuzz/will").binary(Role.WILL_PAYLOAD, "offline".getBytes(StandardCharsets.UTF_8));
        }
        if ((flags & USER_NAME) != 0) {
            w.utf8(Role.USER_NAME, "fuzzer");
        }
        if ((flags & PASSWORD) != 0) {
            w.binary(Role.PASSWORD, "secret".getBytes(StandardCharsets.UTF_8));
        }
        return w.packet();
    }
}

package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.BrokerConfig;
import io.ternmq.config.LimitsConfig;
import io.ternmq.core.auth.AnonymousAuthenticator;
import io.ternmq.core.session.InMemorySessionStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what the broker wrote to an MQTT 5 client, byte by byte as the specification lays it out (written here
 * by hand, never with the codec under test): packets split by their Remaining Length, then the fields and the
 * properties of each. Also the connect and subscribe steps most MQTT 5 tests start with.
 */
public final class Mqtt5Wire {

    private Mqtt5Wire() {
    }

    // ---- packets ----

    /** One control packet: its first byte and everything after the Remaining Length. */
    public record Packet(int firstByte, byte[] body) {
        public int type() {
            return firstByte >> 4;
        }

        public String hex() {
            return Hex.of(body);
        }

        /** The whole packet again, fixed header included, as the broker wrote it. */
        public String wire() {
            return Packets.packet(firstByte, body);
        }
    }

    /** Splits hex into packets; fails when the bytes do not end on a packet boundary. */
    public static List<Packet> split(String hex) {
        byte[] bytes = Hex.bytes(hex);
        List<Packet> packets = new ArrayList<>();
        int i = 0;
        while (i < bytes.length) {
            int first = bytes[i++] & 0xFF;
            int length = 0;
            int multiplier = 1;
            int digit;
            do {
                digit = bytes[i++] & 0xFF;
                length += (digit & 0x7F) * multiplier;
                multiplier *= 128;
            } while ((digit & 0x80) != 0);
            assertTrue(i + length <= bytes.length, "truncated packet in " + hex);
            byte[] body = new byte[length];
            System.arraycopy(bytes, i, body, 0, length);
            packets.add(new Packet(first, body));
            i += length;
        }
        return packets;
    }

    /** The single packet in hex. */
    public static Packet single(String hex) {
        List<Packet> packets = split(hex);
        assertEquals(1, packets.size(), "expected one packet: " + hex);
        return packets.get(0);
    }

    // ---- properties ----

    public record UserProperty(String key, String value) {
    }

    /** A decoded property list, in wire order. Binary values are kept as hex strings so they compare by value. */
    public static final class Properties {
        private final List<Integer> ids = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        /** Identifiers in the order they appeared. */
        public List<Integer> ids() {
            return List.copyOf(ids);
        }

        public boolean has(int id) {
            return ids.contains(id);
        }

        /** The one value of a property that may appear once; fails when it is absent or repeated. */
        public Object get(int id) {
            int first = ids.indexOf(id);
            assertTrue(first >= 0, String.format("property 0x%02X missing in %s", id, this));
            assertEquals(first, ids.lastIndexOf(id), String.format("property 0x%02X repeated in %s", id, this));
            return values.get(first);
        }

        public long integer(int id) {
            return ((Number) get(id)).longValue();
        }

        public String string(int id) {
            return (String) get(id);
        }

        /** Binary Data as hex. */
        public String binary(int id) {
            return (String) get(id);
        }

        public List<UserProperty> users() {
            List<UserProperty> out = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i) == Packets5.USER_PROPERTY) {
                    out.add((UserProperty) values.get(i));
                }
            }
            return out;
        }

        /** Every property but user properties, by identifier; fails on a repeated one. */
        public Map<Integer, Object> asMap() {
            Map<Integer, Object> map = new TreeMap<>();
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i) != Packets5.USER_PROPERTY) {
                    Object previous = map.put(ids.get(i), values.get(i));
                    assertEquals(null, previous, String.format("property 0x%02X repeated in %s", ids.get(i), this));
                }
            }
            return map;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < ids.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(String.format("0x%02X=", ids.get(i))).append(values.get(i));
            }
            return s.append(']').toString();
        }
    }

    /** Reads bytes from a packet body. */
    private static final class Reader {
        private final byte[] b;
        private int i;

        Reader(byte[] b) {
            this.b = b;
        }

        int u8() {
            return b[i++] & 0xFF;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        long u32() {
            return (long) u16() << 16 | u16();
        }

        int varInt() {
            int value = 0;
            int multiplier = 1;
            int digit;
            do {
                digit = u8();
                value += (digit & 0x7F) * multiplier;
                multiplier *= 128;
            } while ((digit & 0x80) != 0);
            return value;
        }

        byte[] bytes(int n) {
            byte[] out = new byte[n];
            System.arraycopy(b, i, out, 0, n);
            i += n;
            return out;
        }

        String string() {
            return new String(bytes(u16()), StandardCharsets.UTF_8);
        }

        boolean more() {
            return i < b.length;
        }

        int remaining() {
            return b.length - i;
        }

        byte[] rest() {
            return bytes(b.length - i);
        }

        Properties properties() {
            int length = varInt();
            int end = i + length;
            Properties p = new Properties();
            while (i < end) {
                int id = varInt();
                Object value = switch (id) {
                    case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> (long) u8();
                    case 0x13, 0x21, 0x22, 0x23 -> (long) u16();
                    case 0x02, 0x11, 0x18, 0x27 -> u32();
                    case 0x0B -> (long) varInt();
                    case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> string();
                    case 0x09, 0x16 -> Hex.of(bytes(u16()));
                    case 0x26 -> new UserProperty(string(), string());
                    default -> throw new AssertionError(String.format("unknown property 0x%02X", id));
                };
                p.ids.add(id);
                p.values.add(value);
            }
            assertEquals(end, i, "property length does not match the properties");
            return p;
        }
    }

    // ---- the packets a broker sends ----

    public record ConnAck(boolean sessionPresent, int reasonCode, Properties properties) {
    }

    public static ConnAck connAck(Packet packet) {
        assertEquals(0x20, packet.firstByte(), "not a CONNACK: " + packet.hex());
        Reader r = new Reader(packet.body());
        int flags = r.u8();
        assertEquals(0, flags & 0xFE, "reserved CONNACK flags");
        ConnAck ack = new ConnAck(flags == 1, r.u8(), r.properties());
        assertTrue(!r.more(), "bytes after the CONNACK properties");
        return ack;
    }

    public static ConnAck connAck(String hex) {
        return connAck(single(hex));
    }

    public record Publish(int qos, boolean dup, boolean retain, String topic, int packetId, Properties properties,
                          byte[] payload) {
        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    public static Publish publish(Packet packet) {
        assertEquals(3, packet.type(), "not a PUBLISH: " + packet.hex());
        int qos = (packet.firstByte() >> 1) & 0x03;
        Reader r = new Reader(packet.body());
        String topic = r.string();
        int packetId = qos > 0 ? r.u16() : 0;
        Properties props = r.properties();
        return new Publish(qos, (packet.firstByte() & 0x08) != 0, (packet.firstByte() & 0x01) != 0, topic, packetId,
                props, r.rest());
    }

    /** Every packet in hex, each of which must be a PUBLISH. */
    public static List<Publish> publishes(String hex) {
        List<Publish> out = new ArrayList<>();
        for (Packet p : split(hex)) {
            out.add(publish(p));
        }
        return out;
    }

    /** A PUBACK (or another ack of the same layout): packet id, reason code (0 when left out), properties. */
    public record PubAck(int packetId, int reasonCode, Properties properties) {
    }

    public static PubAck pubAck(String hex) {
        Packet packet = single(hex);
        assertEquals(0x40, packet.firstByte(), "not a PUBACK: " + hex);
        Reader r = new Reader(packet.body());
        int id = r.u16();
        int reason = r.more() ? r.u8() : 0;
        Properties props = r.more() ? r.properties() : new Properties();
        assertTrue(!r.more(), "bytes after the PUBACK properties");
        return new PubAck(id, reason, props);
    }

    public record Disconnect(int reasonCode, Properties properties) {
    }

    public static Disconnect disconnect(String hex) {
        Packet packet = single(hex);
        assertEquals(0xE0, packet.firstByte(), "not a DISCONNECT: " + hex);
        Reader r = new Reader(packet.body());
        int reason = r.more() ? r.u8() : 0;
        Properties props = r.more() ? r.properties() : new Properties();
        assertTrue(!r.more(), "bytes after the DISCONNECT properties");
        return new Disconnect(reason, props);
    }

    /** SUBACK or UNSUBACK: packet id, properties, one reason code per filter. */
    public record SubAck(int packetId, Properties properties, List<Integer> reasonCodes) {
    }

    public static SubAck subAck(String hex, int firstByte) {
        Packet packet = single(hex);
        assertEquals(firstByte, packet.firstByte(), "unexpected packet: " + hex);
        Reader r = new Reader(packet.body());
        int id = r.u16();
        Properties props = r.properties();
        List<Integer> codes = new ArrayList<>();
        while (r.more()) {
            codes.add(r.u8());
        }
        return new SubAck(id, props, codes);
    }

    // ---- the usual first steps ----

    /** Opens a connection, sends a 5.0 CONNECT (clean start, keepalive 60 s) and checks CONNACK Success. */
    public static WireClient connect(TestEngine broker, String clientId) {
        return connect(broker, clientId, true, Packets5.props());
    }

    public static WireClient connect(TestEngine broker, String clientId, boolean cleanStart, Packets5.Props props) {
        WireClient client = WireClient.open(broker);
        client.send(Packets5.connect(clientId, cleanStart, 60, props));
        ConnAck ack = connAck(client.read());
        assertEquals(0x00, ack.reasonCode(), "CONNACK reason code");
        return client;
    }

    /** Subscribes one filter with the given options byte and checks SUBACK Granted QoS 1 (the platform's grant). */
    public static void subscribe(WireClient client, int packetId, String filter, int options) {
        client.send(Packets5.subscribe(packetId, filter, options));
        assertEquals(Hex.normalise(String.format("90 04 %02X %02X 00 01", packetId >> 8, packetId & 0xFF)),
                client.read(), "SUBACK of " + filter);
    }

    // ---- brokers ----

    /** The embedded defaults with the MQTT 5 flow-control limits changed; session work inline, as TestEngine. */
    public static TestEngine brokerWith(int receiveMaximum, int topicAliasMaximum) {
        return TestEngine.of(configWith(receiveMaximum, topicAliasMaximum), 0);
    }

    static BrokerConfig configWith(int receiveMaximum, int topicAliasMaximum) {
        BrokerConfig c = TestEngine.defaults().config();
        LimitsConfig l = c.limits();
        LimitsConfig limits = new LimitsConfig(l.maxConnections(), l.maxPacketSize(), l.maxPayload(),
                l.maxTopicLength(), l.maxClientIdLength(), l.maxQueuedMessages(), l.maxInflight(),
                l.connectTimeout(), receiveMaximum, topicAliasMaximum, l.maxSubscriptions(), l.maxSessionExpiry());
        return new BrokerConfig(c.listeners(), c.dataDir(), c.allowAnonymous(), limits, c.platform(), c.log());
    }
}

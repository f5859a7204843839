package io.ternmq.core.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * MQTT 5.0 packets as hex strings, encoded here by hand from the specification (section 2.2.2 for properties,
 * 1.5.5 for the Variable Byte Integer) so tests never depend on the codec under test. {@link Packets5Test} pins
 * them to hand-written bytes.
 */
public final class Packets5 {

    // Property identifiers (MQTT 5 section 2.2.2.2).
    public static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
    public static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
    public static final int CONTENT_TYPE = 0x03;
    public static final int RESPONSE_TOPIC = 0x08;
    public static final int CORRELATION_DATA = 0x09;
    public static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
    public static final int SESSION_EXPIRY_INTERVAL = 0x11;
    public static final int ASSIGNED_CLIENT_IDENTIFIER = 0x12;
    public static final int SERVER_KEEP_ALIVE = 0x13;
    public static final int AUTHENTICATION_METHOD = 0x15;
    public static final int AUTHENTICATION_DATA = 0x16;
    public static final int REQUEST_PROBLEM_INFORMATION = 0x17;
    public static final int WILL_DELAY_INTERVAL = 0x18;
    public static final int REQUEST_RESPONSE_INFORMATION = 0x19;
    public static final int RESPONSE_INFORMATION = 0x1A;
    public static final int SERVER_REFERENCE = 0x1C;
    public static final int REASON_STRING = 0x1F;
    public static final int RECEIVE_MAXIMUM = 0x21;
    public static final int TOPIC_ALIAS_MAXIMUM = 0x22;
    public static final int TOPIC_ALIAS = 0x23;
    public static final int MAXIMUM_QOS = 0x24;
    public static final int RETAIN_AVAILABLE = 0x25;
    public static final int USER_PROPERTY = 0x26;
    public static final int MAXIMUM_PACKET_SIZE = 0x27;
    public static final int WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28;
    public static final int SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29;
    public static final int SHARED_SUBSCRIPTION_AVAILABLE = 0x2A;

    private Packets5() {
    }

    /** An empty property list: encodes as the single byte 00. */
    public static Props props() {
        return new Props();
    }

    /** A property list, built in the order the calls are made: each is the identifier byte, then the value. */
    public static final class Props {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private Props() {
        }

        public Props byteProperty(int id, int value) {
            out.write(id);
            out.write(value);
            return this;
        }

        public Props twoByte(int id, int value) {
            out.write(id);
            short16(out, value);
            return this;
        }

        public Props fourByte(int id, long value) {
            out.write(id);
            out.write((int) (value >> 24) & 0xFF);
            out.write((int) (value >> 16) & 0xFF);
            out.write((int) (value >> 8) & 0xFF);
            out.write((int) value & 0xFF);
            return this;
        }

        public Props varInt(int id, int value) {
            out.write(id);
            variableByteInteger(out, value);
            return this;
        }

        public Props string(int id, String value) {
            out.write(id);
            Packets5.string(out, value);
            return this;
        }

        public Props binary(int id, byte[] value) {
            out.write(id);
            short16(out, value.length);
            out.writeBytes(value);
            return this;
        }

        public Props user(String key, String value) {
            out.write(USER_PROPERTY);
            Packets5.string(out, key);
            Packets5.string(out, value);
            return this;
        }

        /** Bytes appended as they are, for a property the other methods cannot express (an unknown id). */
        public Props raw(String hex) {
            out.writeBytes(Hex.bytes(hex));
            return this;
        }

        /** The property bytes without their length. */
        public byte[] bytes() {
            return out.toByteArray();
        }

        /** The Property Length (a Variable Byte Integer) followed by the properties. */
        public byte[] block() {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            variableByteInteger(block, out.size());
            block.writeBytes(out.toByteArray());
            return block.toByteArray();
        }
    }

    /** CONNECT, protocol name MQTT, level 5, no will, no user name or password. */
    public static String connect(String clientId, boolean cleanStart, int keepaliveSeconds, Props props) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        connectHeader(body, cleanStart ? 0x02 : 0x00, keepaliveSeconds, props);
        string(body, clientId);
        return Packets.packet(0x10, body.toByteArray());
    }

    /** CONNECT with the will flag (will QoS 0, no will retain): will properties, topic and payload follow the id. */
    public static String connectWithWill(String clientId, boolean cleanStart, int keepaliveSeconds, Props props,
                                         Props willProps, String willTopic, String willPayload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        connectHeader(body, (cleanStart ? 0x02 : 0x00) | 0x04, keepaliveSeconds, props);
        string(body, clientId);
        body.writeBytes(willProps.block());
        string(body, willTopic);
        string(body, willPayload);
        return Packets.packet(0x10, body.toByteArray());
    }

    private static void connectHeader(ByteArrayOutputStream body, int flags, int keepaliveSeconds, Props props) {
        string(body, "MQTT");
        body.write(5);
        body.write(flags);
        short16(body, keepaliveSeconds);
        body.writeBytes(props.block());
    }

    /** PUBLISH without DUP or RETAIN; the packet id is left out for QoS 0. */
    public static String publish(String topic, int qos, int packetId, Props props, String payload) {
        return publish(0x30 | qos << 1, topic, packetId, props, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** PUBLISH with the given first byte (type and flags), so DUP and RETAIN can be set. */
    public static String publish(int firstByte, String topic, int packetId, Props props, byte[] payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        if ((firstByte & 0x06) != 0) {
            short16(body, packetId);
        }
        body.writeBytes(props.block());
        body.writeBytes(payload);
        return Packets.packet(firstByte, body.toByteArray());
    }

    /** SUBSCRIBE; filtersAndOptions alternates a filter (String) and its options byte (Integer). */
    public static String subscribe(int packetId, Props props, Object... filtersAndOptions) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        short16(body, packetId);
        body.writeBytes(props.block());
        for (int i = 0; i < filtersAndOptions.length; i += 2) {
            string(body, (String) filtersAndOptions[i]);
            body.write((Integer) filtersAndOptions[i + 1]);
        }
        return Packets.packet(0x82, body.toByteArray());
    }

    /** SUBSCRIBE of one filter without properties. */
    public static String subscribe(int packetId, String filter, int options) {
        return subscribe(packetId, props(), filter, options);
    }

    public static String unsubscribe(int packetId, String... filters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        short16(body, packetId);
        body.writeBytes(props().block());
        for (String filter : filters) {
            string(body, filter);
        }
        return Packets.packet(0xA2, body.toByteArray());
    }

    /** CONNACK: acknowledge flags, reason code, properties. */
    public static String connAck(boolean sessionPresent, int reasonCode, Props props) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(sessionPresent ? 1 : 0);
        body.write(reasonCode);
        body.writeBytes(props.block());
        return Packets.packet(0x20, body.toByteArray());
    }

    /** A refusing CONNACK as the broker sends it: the reason code and a Reason String. */
    public static String connAck(int reasonCode, String reasonString) {
        return connAck(false, reasonCode, props().string(REASON_STRING, reasonString));
    }

    /** PUBACK Success in its short form: packet id only (MQTT 5 3.4.2.1). */
    public static String puback(int packetId) {
        return Packets.puback(packetId);
    }

    /** PUBACK with a reason code and properties. */
    public static String puback(int packetId, int reasonCode, Props props) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        short16(body, packetId);
        body.write(reasonCode);
        body.writeBytes(props.block());
        return Packets.packet(0x40, body.toByteArray());
    }

    /** A negative PUBACK as the broker sends it: the reason code and a Reason String. */
    public static String puback(int packetId, int reasonCode, String reasonString) {
        return puback(packetId, reasonCode, props().string(REASON_STRING, reasonString));
    }

    /** DISCONNECT with a reason code and properties. */
    public static String disconnect(int reasonCode, Props props) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(reasonCode);
        body.writeBytes(props.block());
        return Packets.packet(0xE0, body.toByteArray());
    }

    /** A DISCONNECT the broker sends: the reason code and a Reason String. */
    public static String disconnect(int reasonCode, String reasonString) {
        return disconnect(reasonCode, props().string(REASON_STRING, reasonString));
    }

    /** A string of n copies of c. */
    public static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    static void variableByteInteger(ByteArrayOutputStream out, int value) {
        do {
            int digit = value % 128;
            value /= 128;
            out.write(value > 0 ? digit | 0x80 : digit);
        } while (value > 0);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        short16(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static void short16(ByteArrayOutputStream out, int value) {
        out.write(value >> 8 & 0xFF);
        out.write(value & 0xFF);
    }
}

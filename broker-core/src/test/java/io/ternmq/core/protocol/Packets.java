package io.ternmq.core.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * MQTT 3.1.1 packets as hex strings ("10 0E 00 04 ..."), encoded here by hand from the specification so tests
 * never depend on the codec under test. {@link PacketsTest} pins them to hand-written bytes.
 */
public final class Packets {

    private Packets() {
    }

    /** CONNECT, protocol name MQTT, level 4, no will, no user name or password. */
    public static String connect(String clientId, boolean cleanSession, int keepaliveSeconds) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(4);
        body.write(cleanSession ? 0x02 : 0x00);
        short16(body, keepaliveSeconds);
        string(body, clientId);
        return packet(0x10, body.toByteArray());
    }

    /** SUBSCRIBE with one filter. */
    public static String subscribe(int packetId, String filter, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        short16(body, packetId);
        string(body, filter);
        body.write(qos);
        return packet(0x82, body.toByteArray());
    }

    /** UNSUBSCRIBE with one filter. */
    public static String unsubscribe(int packetId, String filter) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        short16(body, packetId);
        string(body, filter);
        return packet(0xA2, body.toByteArray());
    }

    /** PUBLISH without DUP or RETAIN; packetId is left out for QoS 0. */
    public static String publish(String topic, int qos, int packetId, String payload) {
        return publish(0x30 | qos << 1, topic, packetId, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** PUBLISH with the given first byte (type and flags), so DUP and RETAIN can be set. */
    public static String publish(int firstByte, String topic, int packetId, byte[] payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        if ((firstByte & 0x06) != 0) {
            short16(body, packetId);
        }
        body.writeBytes(payload);
        return packet(firstByte, body.toByteArray());
    }

    public static String puback(int packetId) {
        return String.format("40 02 %02X %02X", packetId >> 8, packetId & 0xFF);
    }

    /** A fixed header (with its variable-length Remaining Length) in front of body. */
    public static String packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        out.writeBytes(body);
        return Hex.of(out.toByteArray());
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

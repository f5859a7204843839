package io.ternmq.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare socket speaking hand-built MQTT 3.1.1 packets, for what a well-behaved client library will not do. */
final class RawMqtt implements AutoCloseable {

    final Socket socket;

    RawMqtt(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
    }

    /** CONNECT 3.1.1 with clean session 1; returns the 4 CONNACK bytes. */
    byte[] connect(String clientId, int keepalive) throws IOException {
        socket.getOutputStream().write(connectPacket(clientId, keepalive));
        socket.getOutputStream().flush();
        return in().readNBytes(4);
    }

    /** The bytes of an MQTT 3.1.1 CONNECT with clean session 1, for tests that send more in the same write. */
    static byte[] connectPacket(String clientId, int keepalive) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, (byte) (keepalive >> 8), (byte) keepalive});
        body.write(id.length >> 8);
        body.write(id.length);
        body.writeBytes(id);
        return packet(0x10, body.toByteArray());
    }

    /** CONNECT 5.0 with clean start and no properties; returns the first 4 CONNACK bytes and skips its properties. */
    byte[] connect5(String clientId) throws IOException {
        return connect5(clientId, new byte[0]);
    }

    /** CONNECT 5.0 with clean start and these raw property bytes (without their length). */
    byte[] connect5(String clientId, byte[] properties) throws IOException {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, (byte) properties.length});
        body.write(properties);
        body.write(id.length >> 8);
        body.write(id.length);
        body.write(id);
        send(0x10, body.toByteArray());
        InputStream in = in();
        int type = in.read();
        int remaining = in.read(); // CONNACK is well under 128 bytes
        byte[] rest = in.readNBytes(remaining);
        return new byte[] {(byte) type, (byte) remaining, rest[0], rest[1]};
    }

    /** SUBSCRIBE one filter at QoS 1, without reading the SUBACK. */
    void subscribe(int packetId, String filter) throws IOException {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId);
        body.write(f.length >> 8);
        body.write(f.length);
        body.write(f);
        body.write(1);
        send(0x82, body.toByteArray());
    }

    /** One packet from the broker: its first byte and its body. */
    record Packet(int firstByte, byte[] body) {
        int type() {
            return firstByte >> 4;
        }

        int packetIdAfterTopic() {
            int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
            return ((body[2 + topicLength] & 0xFF) << 8) | (body[3 + topicLength] & 0xFF);
        }

        String topic() {
            int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
            return new String(body, 2, topicLength, StandardCharsets.UTF_8);
        }
    }

    /** Reads the next packet, or null when none arrives within the timeout. */
    Packet read(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            int first = in().read();
            if (first < 0) {
                return null;
            }
            int length = 0;
            int shift = 0;
            int digit;
            do {
                digit = in().read();
                length |= (digit & 0x7F) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0);
            return new Packet(first, in().readNBytes(length));
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(20_000);
        }
    }

    void pubAck(int packetId) throws IOException {
        send(0x40, new byte[] {(byte) (packetId >> 8), (byte) packetId});
    }

    void send(int firstByte, byte[] body) throws IOException {
        socket.getOutputStream().write(packet(firstByte, body));
        socket.getOutputStream().flush();
    }

    /** A packet's bytes: the first byte, the remaining length as a variable byte integer, the body. */
    static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(firstByte);
        int len = body.length;
        do {
            int digit = len % 128;
            len /= 128;
            packet.write(len > 0 ? digit | 0x80 : digit);
        } while (len > 0);
        packet.writeBytes(body);
        return packet.toByteArray();
    }

    InputStream in() throws IOException {
        return socket.getInputStream();
    }

    /** What the broker wrote before it closed the socket, and whether it did within the time given. */
    record Ending(byte[] received, boolean closed, long millis) {
    }

    /** Reads until the broker closes the socket or {@code timeoutMillis} pass, keeping what arrives. */
    Ending readUntilClosed(int timeoutMillis) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[512];
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return new Ending(received.toByteArray(), false, timeoutMillis);
                }
                socket.setSoTimeout((int) left);
                int n = in().read(chunk);
                if (n < 0) {
                    break;
                }
                received.write(chunk, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            return new Ending(received.toByteArray(), false, timeoutMillis);
        } catch (java.net.SocketException e) {
            // reset by the broker: closed
        } finally {
            socket.setSoTimeout(20_000);
        }
        return new Ending(received.toByteArray(), true, (System.nanoTime() - start) / 1_000_000L);
    }

    void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** True once the broker closed the socket (end of stream), reading and discarding anything before it. */
    boolean closedByBroker() throws IOException {
        try {
            while (in().read() != -1) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset by the broker
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

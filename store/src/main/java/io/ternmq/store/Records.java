package io.ternmq.store;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's values: a delivery (its message with every property, the QoS it is delivered at, its share key), a
 * session's expiry, a subscription's options. Each value starts with a format byte. A message's expiry is kept as
 * wall-clock time, since the monotonic clock it has in memory means nothing after a restart.
 */
final class Records {

    private static final int DELIVERY_FORMAT = 1;
    private static final int HAS_SHARE_KEY = 1;
    private static final int HAS_EXPIRY = 2;
    private static final int HAS_PFI = 1;
    private static final int HAS_CONTENT_TYPE = 2;
    private static final int HAS_RESPONSE_TOPIC = 4;
    private static final int HAS_CORRELATION = 8;

    private Records() {
    }

    static byte[] delivery(Delivery d, int packetId) {
        try {
            PublishMessage m = d.message();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(m.payload().length + m.topic().length() + 32);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(DELIVERY_FORMAT);
            out.writeShort(packetId);
            out.writeInt((int) Math.min(Integer.MAX_VALUE, m.weight()));
            out.writeByte(d.qos());
            out.writeByte(m.qos());
            out.writeByte((d.shareKey() != null ? HAS_SHARE_KEY : 0) | (m.expiresAtNanos() != 0 ? HAS_EXPIRY : 0));
            writeString(out, m.topic());
            writeString(out, m.publisherId());
            if (d.shareKey() != null) {
                writeString(out, d.shareKey());
            }
            if (m.expiresAtNanos() != 0) {
                out.writeLong(System.currentTimeMillis() + (m.expiresAtNanos() - System.nanoTime()) / 1_000_000L);
            }
            MessageProperties p = m.properties();
            out.writeByte((p.payloadFormatIndicator() != null ? HAS_PFI : 0)
                    | (p.contentType() != null ? HAS_CONTENT_TYPE : 0)
                    | (p.responseTopic() != null ? HAS_RESPONSE_TOPIC : 0)
                    | (p.correlationData() != null ? HAS_CORRELATION : 0));
            if (p.payloadFormatIndicator() != null) {
                out.writeByte(p.payloadFormatIndicator());
            }
            if (p.contentType() != null) {
                writeString(out, p.contentType());
            }
            if (p.responseTopic() != null) {
                writeString(out, p.responseTopic());
            }
            if (p.correlationData() != null) {
                out.writeShort(p.correlationData().length);
                out.write(p.correlationData());
            }
            out.writeShort(p.userProperties().size());
            for (UserProperty u : p.userProperties()) {
                writeString(out, u.key());
                writeString(out, u.value());
            }
            out.writeInt(m.payload().length);
            out.write(m.payload());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /** The packet id a delivery record was written with (0 for a queued one). */
    static int packetId(byte[] record) {
        return ((record[1] & 0xFF) << 8) | (record[2] & 0xFF);
    }

    /** The message's {@link PublishMessage#weight} a delivery record was written with, read without decoding it. */
    static int weight(byte[] record) {
        return ((record[3] & 0xFF) << 24) | ((record[4] & 0xFF) << 16) | ((record[5] & 0xFF) << 8) | (record[6] & 0xFF);
    }

    /** Whether a delivery record is a shared-subscription delivery, read without decoding it. */
    static boolean shared(byte[] record) {
        return (record[9] & HAS_SHARE_KEY) != 0;
    }

    /** The QoS a delivery record is delivered at, read without decoding it. */
    static int deliveredQos(byte[] record) {
        return record[7];
    }

    static Delivery delivery(byte[] record) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(record))) {
            int format = in.readUnsignedByte();
            if (format != DELIVERY_FORMAT) {
                throw new IllegalStateException("a delivery record of format " + format);
            }
            in.readUnsignedShort(); // the packet id: packetId(record)
            in.readInt(); // the weight: weight(record)
            int deliveredQos = in.readUnsignedByte();
            int messageQos = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            String topic = readString(in);
            String publisher = readString(in);
            String shareKey = (flags & HAS_SHARE_KEY) != 0 ? readString(in) : null;
            long expiresAtNanos = 0;
            if ((flags & HAS_EXPIRY) != 0) {
                long leftMillis = in.readLong() - System.currentTimeMillis();
                expiresAtNanos = System.nanoTime() + leftMillis * 1_000_000L;
                if (expiresAtNanos == 0) {
                    expiresAtNanos = 1; // 0 means "never"
                }
            }
            int propertyFlags = in.readUnsignedByte();
            Integer pfi = (propertyFlags & HAS_PFI) != 0 ? in.readUnsignedByte() : null;
            String contentType = (propertyFlags & HAS_CONTENT_TYPE) != 0 ? readString(in) : null;
            String responseTopic = (propertyFlags & HAS_RESPONSE_TOPIC) != 0 ? readString(in) : null;
            byte[] correlation = null;
            if ((propertyFlags & HAS_CORRELATION) != 0) {
                correlation = new byte[in.readUnsignedShort()];
                in.readFully(correlation);
            }
            int users = in.readUnsignedShort();
            List<UserProperty> userProperties = new ArrayList<>(users);
            for (int i = 0; i < users; i++) {
                userProperties.add(new UserProperty(readString(in), readString(in)));
            }
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            MessageProperties properties = propertyFlags == 0 && users == 0 ? MessageProperties.NONE
                    : new MessageProperties(pfi, contentType, responseTopic, correlation, userProperties);
            return new Delivery(new PublishMessage(topic, messageQos, payload, publisher, properties, expiresAtNanos),
                    deliveredQos, shareKey);
        } catch (IOException e) {
            throw new IllegalStateException("a delivery record that does not read back", e);
        }
    }

    /** Strings of any length (a relaxed platform allows long user properties): an int length, then UTF-8. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] expiry(long intervalSeconds, long offlineSinceMillis) {
        byte[] out = new byte[17];
        out[0] = 1;
        writeLong(out, 1, intervalSeconds);
        writeLong(out, 9, offlineSinceMillis);
        return out;
    }

    static long expiryInterval(byte[] record) {
        return readLong(record, 1);
    }

    static long offlineSince(byte[] record) {
        return readLong(record, 9);
    }

    private static void writeLong(byte[] out, int at, long value) {
        for (int i = 0; i < 8; i++) {
            out[at + i] = (byte) (value >>> (56 - 8 * i));
        }
    }

    private static long readLong(byte[] in, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[at + i] & 0xFF);
        }
        return v;
    }
}

package io.ternmq.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A connection without a socket for the routing benchmark: always writable, MQTT 3.1.1, and each PUBLISH it is
 * given is encoded as the wire would carry it (fixed header, remaining length, topic, packet id, payload) into
 * a pooled buffer, then released. The encoding is the same work Netty's MqttEncoder does for a 3.1.1 PUBLISH.
 */
final class EncodingConnection implements Connection {

    private static final SocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 0);

    long bytes;

    @Override
    public String transport() {
        return "bench";
    }

    @Override
    public SocketAddress remoteAddress() {
        return ADDRESS;
    }

    @Override
    public int protocolLevel() {
        return 4;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public void write(MqttMessage message) {
        try {
            if (message instanceof MqttPublishMessage publish) {
                ByteBuf out = encode(publish);
                bytes += out.readableBytes();
                out.release();
            }
        } finally {
            io.netty.util.ReferenceCountUtil.release(message);
        }
    }

    private static ByteBuf encode(MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        int qos = publish.fixedHeader().qosLevel().value();
        ByteBuf payload = publish.payload();
        int topicBytes = ByteBufUtil.utf8Bytes(topic);
        int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payload.readableBytes();
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(5 + remaining);
        out.writeByte(0x30 | (publish.fixedHeader().isDup() ? 0x08 : 0) | (qos << 1));
        for (int r = remaining; ; ) { // the variable-length Remaining Length of MQTT 2.2.3
            int digit = r % 128;
            r /= 128;
            out.writeByte(r > 0 ? digit | 0x80 : digit);
            if (r == 0) {
                break;
            }
        }
        out.writeShort(topicBytes);
        ByteBufUtil.writeUtf8(out, topic);
        if (qos > 0) {
            out.writeShort(publish.variableHeader().packetId());
        }
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        return out;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close(CloseReason reason) {
    }
}

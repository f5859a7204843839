package io.ternmq.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttMessageType;

/**
 * MQTT framing for a front that must look at packets before the decoder does (the QUIC transport's 0-RTT gate
 * passes only CONNECT and PINGREQ before the handshake completes): where the next packet ends and what type it
 * is, without decoding it. The decoder judges the packet itself later.
 */
public final class MqttFrames {

    private MqttFrames() {
    }

    /** The type named by the packet's first byte at the reader index, or null when there is none or it names none. */
    public static MqttMessageType typeAt(ByteBuf buf) {
        if (!buf.isReadable()) {
            return null;
        }
        int value = buf.getUnsignedByte(buf.readerIndex()) >> 4;
        return value == 0 ? null : MqttMessageType.valueOf(value);
    }

    /**
     * The length of the whole packet at the reader index, fixed header included, or -1 while not all of it is
     * here (or its Remaining Length is longer than four bytes, which the decoder refuses).
     */
    public static int completeLength(ByteBuf buf) {
        int index = buf.readerIndex() + 1;
        int remaining = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            if (index >= buf.writerIndex()) {
                return -1;
            }
            int b = buf.getUnsignedByte(index++);
            remaining |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                int total = index - buf.readerIndex() + remaining;
                return buf.readableBytes() >= total ? total : -1;
            }
        }
        return -1;
    }
}

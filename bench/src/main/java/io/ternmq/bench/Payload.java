package io.ternmq.bench;

import io.netty.buffer.ByteBuf;

/**
 * What every bench message carries: the publisher's number, a sequence number per publisher and the send time,
 * then zero padding up to the payload size. 16 bytes, the smallest payload the scenarios use.
 */
final class Payload {

    /** publisher (int), sequence (int), send time in nanoseconds (long). */
    static final int HEADER = 16;

    private Payload() {
    }

    static void write(ByteBuf out, int publisher, int sequence, long sentNanos, int size) {
        out.writeInt(publisher);
        out.writeInt(sequence);
        out.writeLong(sentNanos);
        out.writeZero(size - HEADER);
    }

    /** The fields of a received payload; null when it is too short to be a bench message. */
    static Stamp read(ByteBuf in) {
        if (in.readableBytes() < HEADER) {
            return null;
        }
        int i = in.readerIndex();
        return new Stamp(in.getInt(i), in.getInt(i + 4), in.getLong(i + 8));
    }

    record Stamp(int publisher, int sequence, long sentNanos) {
    }
}

package io.ternmq.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.core.codec.MqttFrames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Predicate;

/**
 * Sits in front of the MQTT pipeline on the MQTT stream while the QUIC handshake is still running, that is while
 * the bytes come from 0-RTT early data, which an attacker may have replayed (RFC 8446 8, RFC 9001 9.2). It lets
 * through, at the head of the stream, only what is harmless to repeat ({@link Policy}): a CONNECT, PINGREQs, and
 * with {@code quic.early-data: on} SUBSCRIBE and UNSUBSCRIBE; it holds everything from the first other packet on
 * (a PUBLISH above all) until the handshake has completed, then hands on what it held, in order, and removes itself.
 * A replayed QoS 1 PUBLISH can therefore never be delivered twice, and a client that sends CONNECT in its first
 * flight gets its CONNACK in the broker's first flight, one round trip sooner.
 * <p>
 * Outbound, it holds every PUBLISH (a delivery) until the handshake has completed: a connection that a replay
 * opened, which never completes its handshake, is sent nothing but the answers to what it was allowed to do.
 */
final class EarlyDataGate extends ChannelDuplexHandler {

    static final String NAME = "quic-early-data";

    /**
     * What may act before the handshake completes.
     *
     * @param connect         whether a CONNECT may pass at all (not with client certificates: their identity is known
     *                        only at the end of the handshake)
     * @param replayProof     whether a replayed first flight cannot get here (stateless retry: its single-use token
     *                        is refused), so that any CONNECT may pass
     * @param unknownClientId without replay protection, a CONNECT passes only when this says its client id has no
     *                        session (nothing to take over, discard or deliver: a replay makes a session of its own)
     * @param subscribe       whether SUBSCRIBE and UNSUBSCRIBE pass too, after the CONNECT ({@code on})
     */
    record Policy(boolean connect, boolean replayProof, Predicate<String> unknownClientId, boolean subscribe) {
        /** Nothing acts early. */
        static final Policy NOTHING = new Policy(false, false, id -> false, false);
    }

    private final QuicConnectionState connection;
    private final Policy policy;
    private final Runnable onEarlyData;
    private final Runnable beforeOpen;
    private final ArrayDeque<Object> heldWrites = new ArrayDeque<>();
    private boolean earlyDataUsed;
    private CompositeByteBuf held;
    private boolean connectSeen;
    private boolean stopped;
    private boolean open;

    /**
     * @param connection  the state of the QUIC connection the stream belongs to
     * @param onEarlyData runs the first time a packet passes before the handshake has completed
     * @param beforeOpen  runs once the handshake has completed, before any held byte moves on (e.g. to set the
     *                    client certificate's identity on the channel)
     */
    EarlyDataGate(QuicConnectionState connection, Policy policy, Runnable onEarlyData, Runnable beforeOpen) {
        this.connection = connection;
        this.policy = policy;
        this.onEarlyData = onEarlyData;
        this.beforeOpen = beforeOpen;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = ctx.alloc().compositeBuffer(64);
        connection.whenHandshakeDone(() -> open(ctx));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open || !(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        held.addComponent(true, bytes);
        if (policy.connect() && !stopped) {
            passHarmlessPackets(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!open && msg instanceof ByteBuf bytes && bytes.isReadable()
                && MqttFrames.typeAt(bytes) == MqttMessageType.PUBLISH) {
            heldWrites.add(msg);
            heldWrites.add(promise);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    /** Hands on the whole packets at the head that are harmless to repeat; stops for good at the first other. */
    private void passHarmlessPackets(ChannelHandlerContext ctx) {
        boolean passed = false;
        while (held.isReadable()) {
            int length = MqttFrames.completeLength(held);
            if (length < 0) {
                break; // incomplete, or not a valid header: the decoder judges it after the handshake
            }
            if (!harmless(MqttFrames.typeAt(held))) {
                stopped = true;
                break;
            }
            connectSeen |= MqttFrames.typeAt(held) == MqttMessageType.CONNECT;
            passed = true;
            // A copy, not a slice: the composite is compacted below. These packets are small and rare.
            ctx.fireChannelRead(ctx.alloc().buffer(length).writeBytes(held, length));
        }
        held.discardReadComponents();
        if (passed) {
            if (!earlyDataUsed) {
                earlyDataUsed = true;
                onEarlyData.run();
            }
            ctx.fireChannelReadComplete();
        }
    }

    /** Whether the whole packet at the head of {@link #held} may act before the handshake. */
    private boolean harmless(MqttMessageType type) {
        return switch (type) {
            case CONNECT -> !connectSeen && (policy.replayProof() || unknownClient());
            case PINGREQ -> true;
            case SUBSCRIBE, UNSUBSCRIBE -> connectSeen && policy.subscribe();
            default -> false;
        };
    }

    private boolean unknownClient() {
        String clientId = clientId(held);
        return clientId != null && policy.unknownClientId().test(clientId);
    }

    /**
     * The client id of the whole CONNECT at the reader index, without moving it; null when the packet does not
     * read as a CONNECT (the decoder says why, after the handshake).
     */
    static String clientId(ByteBuf connect) {
        int i = connect.readerIndex() + 1;
        int end = connect.readerIndex() + MqttFrames.completeLength(connect);
        while (i < end && (connect.getByte(i) & 0x80) != 0) {
            i++; // the remaining length's continuation bytes
        }
        i++;
        if (i + 2 > end) {
            return null;
        }
        int nameLength = connect.getUnsignedShort(i);
        i += 2 + nameLength;
        if (i + 4 > end) {
            return null;
        }
        int level = connect.getUnsignedByte(i);
        i += 4; // level, flags, keepalive
        if (level == 5) {
            int properties = 0;
            int shift = 0;
            int b;
            do {
                if (i >= end || shift > 21) {
                    return null;
                }
                b = connect.getUnsignedByte(i++);
                properties |= (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            i += properties;
        }
        if (i + 2 > end) {
            return null;
        }
        int idLength = connect.getUnsignedShort(i);
        if (i + 2 + idLength > end) {
            return null;
        }
        return connect.toString(i + 2, idLength, StandardCharsets.UTF_8);
    }

    private void open(ChannelHandlerContext ctx) {
        if (open || ctx.isRemoved()) {
            return;
        }
        open = true;
        beforeOpen.run();
        CompositeByteBuf rest = held;
        held = null;
        boolean wrote = !heldWrites.isEmpty();
        while (!heldWrites.isEmpty()) {
            ctx.write(heldWrites.poll(), (ChannelPromise) heldWrites.poll());
        }
        if (wrote) {
            ctx.flush();
        }
        ctx.pipeline().remove(this);
        if (rest.isReadable()) {
            ctx.fireChannelRead(rest);
            ctx.fireChannelReadComplete();
        } else {
            rest.release();
        }
    }

    private void release() {
        if (held != null) {
            ReferenceCountUtil.safeRelease(held);
            held = null;
        }
        while (!heldWrites.isEmpty()) {
            ReferenceCountUtil.safeRelease(heldWrites.poll());
            ((ChannelPromise) heldWrites.poll()).tryFailure(new IllegalStateException(
                    "the QUIC connection closed before its handshake completed"));
        }
    }
}

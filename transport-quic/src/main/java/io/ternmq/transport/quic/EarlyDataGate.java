package io.ternmq.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.core.codec.MqttFrames;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ClosedChannelException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * opened, which never completes its handshake, is sent nothing but the answers to what it was allowed to do. Held
 * writes count towards the stream's writability (a {@link PendingWriteQueue}), so a session stops sending to it as
 * it would to a slow client. Held input is bounded by {@code maxHeldBytes}: a client that sends more before its
 * handshake completes is closed.
 */
final class EarlyDataGate extends ChannelDuplexHandler {

    static final String NAME = "quic-early-data";

    private static final Logger LOG = LoggerFactory.getLogger(EarlyDataGate.class);
    private static final ClosedChannelException CLOSED_EARLY = new ClosedChannelException();

    /**
     * What may act before the handshake completes.
     *
     * @param connect         whether a CONNECT may pass at all (not with client certificates: their identity is known
     *                        only at the end of the handshake)
     * @param replayProof     whether a replayed first flight cannot get here (stateless retry: its single-use token
     *                        is refused), so that any CONNECT may pass
     * @param unknownClientId without replay protection, a CONNECT passes only when it cannot outlive its connection
     *                        (clean start, and no session expiry in MQTT 5) and this says its client id has no
     *                        session: nothing to take over, discard or deliver, and a replay's session ends with it
     * @param subscribe       whether SUBSCRIBE and UNSUBSCRIBE pass too, after the CONNECT ({@code on}); only with
     *                        replay protection, since a replayed one could rejoin a shared group that never drains
     */
    record Policy(boolean connect, boolean replayProof, Predicate<String> unknownClientId, boolean subscribe) {
        /** Nothing acts early. */
        static final Policy NOTHING = new Policy(false, false, id -> false, false);
    }

    private final QuicConnectionState connection;
    private final Policy policy;
    private final Runnable onEarlyData;
    private final Runnable beforeOpen;
    private final int maxHeldBytes;
    private PendingWriteQueue heldWrites;
    private boolean earlyDataUsed;
    private boolean earlyConnect;
    private CompositeByteBuf held;
    private boolean connectSeen;
    private boolean stopped;
    private boolean open;

    /**
     * @param connection   the state of the QUIC connection the stream belongs to
     * @param maxHeldBytes at most this much input is held before the handshake completes; more closes the stream
     * @param onEarlyData  runs when a CONNECT passes before the handshake has completed
     * @param beforeOpen  runs once the handshake has completed, before any held byte moves on (e.g. to set the
     *                    client certificate's identity on the channel)
     */
    EarlyDataGate(QuicConnectionState connection, Policy policy, int maxHeldBytes, Runnable onEarlyData,
                  Runnable beforeOpen) {
        this.connection = connection;
        this.policy = policy;
        this.maxHeldBytes = maxHeldBytes;
        this.onEarlyData = onEarlyData;
        this.beforeOpen = beforeOpen;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = ctx.alloc().compositeBuffer(64);
        heldWrites = new PendingWriteQueue(ctx);
        connection.whenHandshakeDone(() -> open(ctx));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open || !(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (held == null) {
            bytes.release();
            return;
        }
        held.addComponent(true, bytes);
        if (policy.connect() && !stopped) {
            passHarmlessPackets(ctx);
        }
        if (held != null && held.readableBytes() > maxHeldBytes) {
            LOG.debug("closing a QUIC stream that sent more than {} bytes before its handshake completed", maxHeldBytes);
            release();
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!open && heldWrites != null && msg instanceof ByteBuf bytes && bytes.isReadable()
                && MqttFrames.typeAt(bytes) == MqttMessageType.PUBLISH) {
            heldWrites.add(msg, promise);
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
            boolean isConnect = MqttFrames.typeAt(held) == MqttMessageType.CONNECT;
            connectSeen |= isConnect;
            earlyConnect |= isConnect;
            passed = true;
            // A copy, not a slice: the composite is compacted below. These packets are small and rare.
            ctx.fireChannelRead(ctx.alloc().buffer(length).writeBytes(held, length));
        }
        held.discardReadComponents();
        if (passed) {
            if (earlyConnect && !earlyDataUsed) {
                earlyDataUsed = true;
                onEarlyData.run();
            }
            ctx.fireChannelReadComplete();
        }
    }

    /** Whether the whole packet at the head of {@link #held} may act before the handshake. */
    private boolean harmless(MqttMessageType type) {
        return switch (type) {
            case CONNECT -> !connectSeen && (policy.replayProof() || endsWithItsConnection() && unknownClient());
            case PINGREQ -> connectSeen;
            case SUBSCRIBE, UNSUBSCRIBE -> connectSeen && policy.subscribe() && policy.replayProof();
            default -> false;
        };
    }

    /** Clean start set, and in MQTT 5 no Session Expiry Interval above 0: the session ends with the connection. */
    private boolean endsWithItsConnection() {
        return endsWithItsConnection(held);
    }

    /** See {@link #endsWithItsConnection()}; false for what does not read as a CONNECT. */
    static boolean endsWithItsConnection(ByteBuf connect) {
        int end = connect.readerIndex() + MqttFrames.completeLength(connect);
        int i = levelIndex(connect, end);
        if (i < 0) {
            return false;
        }
        int level = connect.getUnsignedByte(i);
        if ((connect.getUnsignedByte(i + 1) & 0x02) == 0) {
            return false; // clean start 0: the session would be kept
        }
        if (level != 5) {
            return true;
        }
        long properties = varInt(connect, i + 4, end);
        if (properties < 0) {
            return false;
        }
        i = (int) (properties & 0xFF) + i + 4;
        int stop = (int) Math.min(end, i + (properties >>> 8));
        while (i < stop) {
            int id = connect.getUnsignedByte(i++);
            switch (id) {
                case 0x11 -> { // Session Expiry Interval, four bytes
                    return i + 4 <= stop && connect.getInt(i) == 0;
                }
                case 0x21, 0x22 -> i += 2; // Receive Maximum, Topic Alias Maximum
                case 0x27 -> i += 4; // Maximum Packet Size
                case 0x17, 0x19 -> i += 1; // Request Problem Information, Request Response Information
                case 0x26 -> i = skipString(connect, skipString(connect, i, stop), stop); // User Property
                case 0x15, 0x16 -> i = skipString(connect, i, stop); // Authentication Method, Data
                default -> {
                    return false; // not a CONNECT property: the decoder refuses it after the handshake
                }
            }
            if (i < 0) {
                return false;
            }
        }
        return true; // no Session Expiry Interval: 0
    }

    /** The index of a CONNECT's protocol level, with the flags and keepalive after it readable; or -1. */
    private static int levelIndex(ByteBuf connect, int end) {
        long remaining = varInt(connect, connect.readerIndex() + 1, end);
        if (remaining < 0) {
            return -1;
        }
        int i = connect.readerIndex() + 1 + (int) (remaining & 0xFF);
        if (i + 2 > end) {
            return -1;
        }
        i += 2 + connect.getUnsignedShort(i); // the protocol name
        return i + 4 > end ? -1 : i;
    }

    /** A variable byte integer at i: its value shifted left by 8, or-ed with its length in bytes; -1 if cut short. */
    private static long varInt(ByteBuf b, int i, int end) {
        long value = 0;
        for (int n = 0; n < 4; n++) {
            if (i + n >= end) {
                return -1;
            }
            int digit = b.getUnsignedByte(i + n);
            value |= (long) (digit & 0x7F) << (7 * n);
            if ((digit & 0x80) == 0) {
                return value << 8 | (n + 1);
            }
        }
        return -1;
    }

    /** Past a two-byte-length string or binary at i, or -1 when it does not fit before stop (or i is -1). */
    private static int skipString(ByteBuf b, int i, int stop) {
        if (i < 0 || i + 2 > stop) {
            return -1;
        }
        int next = i + 2 + b.getUnsignedShort(i);
        return next > stop ? -1 : next;
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
        int end = connect.readerIndex() + MqttFrames.completeLength(connect);
        int i = levelIndex(connect, end);
        if (i < 0) {
            return null;
        }
        int level = connect.getUnsignedByte(i);
        i += 4; // level, flags, keepalive
        if (level == 5) {
            long properties = varInt(connect, i, end);
            if (properties < 0) {
                return null;
            }
            i += (int) (properties & 0xFF) + (int) (properties >>> 8);
        }
        int after = skipString(connect, i, end);
        return after < 0 ? null : connect.toString(i + 2, after - i - 2, StandardCharsets.UTF_8);
    }

    private void open(ChannelHandlerContext ctx) {
        if (open || ctx.isRemoved() || held == null) {
            return;
        }
        open = true;
        beforeOpen.run();
        CompositeByteBuf rest = held;
        held = null;
        if (!heldWrites.isEmpty()) {
            heldWrites.removeAndWriteAll();
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
        if (heldWrites != null && !heldWrites.isEmpty()) {
            heldWrites.removeAndFailAll(CLOSED_EARLY);
        }
    }
}

package io.ternmq.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.core.codec.MqttFrames;

/**
 * Sits in front of the MQTT pipeline on the MQTT stream while the QUIC handshake is still running, that is while
 * the bytes come from 0-RTT early data, which an attacker may have replayed (RFC 8446 8, RFC 9001 9.2). It lets
 * through whole CONNECT and PINGREQ packets at the head of the stream, when {@code connectAllowed}, and holds
 * everything from the first other packet on (a PUBLISH, SUBSCRIBE, ...) until the handshake has completed; then it
 * hands on what it held, in order, and removes itself. A replayed QoS 1 PUBLISH can therefore never be delivered
 * twice, and a client that sends CONNECT in its first flight gets its CONNACK one round trip sooner.
 * <p>
 * With {@code connectAllowed} false (stateless retry off, so no anti-replay; or client certificates, which are
 * only verified at the end of the handshake) it holds everything until the handshake completes.
 */
final class EarlyDataGate extends ChannelInboundHandlerAdapter {

    static final String NAME = "quic-early-data";

    private final QuicConnectionState connection;
    private final boolean connectAllowed;
    private final Runnable onEarlyData;
    private final Runnable beforeOpen;
    private boolean earlyDataUsed;
    private CompositeByteBuf held;
    private boolean connectSeen;
    private boolean stopped;
    private boolean open;

    /**
     * @param connection     the state of the QUIC connection the stream belongs to
     * @param connectAllowed whether CONNECT and PINGREQ may pass before the handshake completes
     * @param onEarlyData    runs the first time a packet passes before the handshake has completed
     * @param beforeOpen     runs once the handshake has completed, before any held byte moves on (e.g. to set the
     *                       client certificate's identity on the channel)
     */
    EarlyDataGate(QuicConnectionState connection, boolean connectAllowed, Runnable onEarlyData, Runnable beforeOpen) {
        this.connection = connection;
        this.connectAllowed = connectAllowed;
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
        if (connectAllowed && !stopped) {
            passIdempotentPackets(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
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

    /** Hands on whole CONNECT and PINGREQ packets at the head; stops for good at the first other packet. */
    private void passIdempotentPackets(ChannelHandlerContext ctx) {
        boolean passed = false;
        while (held.isReadable()) {
            MqttMessageType type = MqttFrames.typeAt(held);
            if (type != MqttMessageType.PINGREQ && (type != MqttMessageType.CONNECT || connectSeen)) {
                stopped = true;
                break;
            }
            int length = MqttFrames.completeLength(held);
            if (length < 0) {
                break; // incomplete, or not a valid header: the decoder judges it after the handshake
            }
            connectSeen |= type == MqttMessageType.CONNECT;
            passed = true;
            // A copy, not a slice: the composite is compacted below. CONNECT and PINGREQ are small and rare.
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

    private void open(ChannelHandlerContext ctx) {
        if (open || ctx.isRemoved()) {
            return;
        }
        open = true;
        beforeOpen.run();
        CompositeByteBuf rest = held;
        held = null;
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
    }
}

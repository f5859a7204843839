package io.ternmq.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import java.util.List;

/**
 * The inbound MQTT codec of one connection. It splits the byte stream into packets by their fixed header and
 * Remaining Length, and hands each complete packet, and only its bytes, to the {@link PacketDecoder}:
 * <ul>
 *   <li>a packet is decoded once all of its declared bytes are here and not before, so a field that claims more
 *       bytes than its packet has is a Malformed Packet the moment the packet is complete, never a wait for
 *       the bytes of the packets that follow;</li>
 *   <li>a first byte that cannot start a packet, a Remaining Length longer than four bytes, or one over
 *       {@code limits.max-packet-size}, fails at once, without waiting for the body;</li>
 *   <li>after the first failure it emits one message carrying an {@link MqttDecodeException} and then discards
 *       everything the connection sends: nothing after a malformed packet is acted on.</li>
 * </ul>
 * Netty's MqttDecoder is a ReplayingDecoder without a per-packet bound: a short string length made it read into
 * the next packet. The messages this emits are Netty's MQTT message types, so the encoder and the handlers are
 * unchanged.
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {

    public static final String NAME = "mqtt-decoder";

    /**
     * Netty's MqttEncoder encodes MQTT 5 packets (properties, reason codes) only for a channel whose attribute of
     * this name says 5.0; its own decoder set it on CONNECT, this one does the same.
     */
    private static final AttributeKey<MqttVersion> NETTY_MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final int maxPacketSize;
    /** The protocol level of the connection's CONNECT, 0 until then. */
    private int level;
    private boolean failed;

    /** @param maxPacketSize the largest packet accepted, fixed header included ({@code limits.max-packet-size}) */
    public MqttFrameDecoder(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /**
     * A decoder for another stream of a connection whose CONNECT was read on {@code connected} (a data stream of
     * multi-stream MQTT over QUIC): it decodes, and the encoder encodes, in that CONNECT's version from the start.
     */
    public static MqttFrameDecoder sameVersionAs(Channel connected, Channel stream, int maxPacketSize) {
        MqttVersion version = connected.attr(NETTY_MQTT_VERSION).get();
        stream.attr(NETTY_MQTT_VERSION).set(version);
        MqttFrameDecoder decoder = new MqttFrameDecoder(maxPacketSize);
        decoder.level = version.protocolLevel();
        return decoder;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            MqttMessage message = next(in);
            if (message != null) {
                out.add(message);
                if (level == 0 && message instanceof MqttConnectMessage connect) {
                    level = connect.variableHeader().version();
                    ctx.channel().attr(NETTY_MQTT_VERSION).set(
                            MqttVersion.fromProtocolNameAndLevel(connect.variableHeader().name(), (byte) level));
                }
            }
        } catch (MqttDecodeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            if (level == 0 && e.protocolLevel() == 5) {
                ctx.channel().attr(NETTY_MQTT_VERSION).set(MqttVersion.MQTT_5); // its CONNACK is answered in 5.0
            }
            out.add(MqttMessageFactory.newInvalidMessage(e));
        }
    }

    /** The next complete packet, or null while it is still arriving. */
    private MqttMessage next(ByteBuf in) {
        int start = in.readerIndex();
        int writer = in.writerIndex();
        if (start >= writer) {
            return null;
        }
        int first = in.getUnsignedByte(start);
        MqttMessageType type = FixedHeaders.check(first, level);
        int remaining = 0;
        int index = start + 1;
        int b;
        int shift = 0;
        do {
            if (shift == 28) {
                throw failure(ReasonCode.MALFORMED_PACKET, type, "Remaining Length is longer than four bytes");
            }
            if (index >= writer) {
                return null;
            }
            b = in.getUnsignedByte(index++);
            remaining |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (b == 0 && shift > 7) {
            throw failure(ReasonCode.MALFORMED_PACKET, type, "Remaining Length is not in its shortest encoding");
        }
        long size = (long) (index - start) + remaining;
        if (size > maxPacketSize) {
            // 5.0 MQTT-3.2.2-15 (the broker's Maximum Packet Size); 3.x: the connection is closed.
            int knownLevel = level != 0 ? level : type == MqttMessageType.CONNECT ? peekConnectLevel(in, index) : 0;
            throw new MqttDecodeException(ReasonCode.PACKET_TOO_LARGE, type, knownLevel,
                    "packet of " + size + " bytes is larger than the maximum of " + maxPacketSize);
        }
        if (writer - start < size) {
            return null;
        }
        MqttMessage message = PacketDecoder.decode(first, new PacketReader(in, index, remaining, type, level));
        in.readerIndex(index + remaining);
        return message;
    }

    /** A CONNECT's protocol level when enough of it is here to read it ("MQTT" names 4 and 5), else 0. */
    private static int peekConnectLevel(ByteBuf in, int body) {
        if (in.writerIndex() > body + 6 && in.getUnsignedShort(body) == 4) {
            return in.getUnsignedByte(body + 6);
        }
        return 0;
    }

    private MqttDecodeException failure(byte reasonCode, MqttMessageType type, String what) {
        return new MqttDecodeException(reasonCode, type, level, "malformed " + type + ": " + what);
    }
}

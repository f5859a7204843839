package io.ternmq.core.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.util.AttributeKey;
import io.ternmq.core.codec.MqttDecodeException;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.connection.Attributes;
import io.ternmq.core.connection.PeerAddress;
import io.ternmq.core.log.LogText;
import io.ternmq.core.log.RepeatLimitedLog;
import io.ternmq.core.metrics.BrokerMetrics;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connection the broker closes on its own initiative goes through here (HiveMQ's MqttServerDisconnector):
 * one log line that names the client and the rule, a counter for violations, an MQTT 5 DISCONNECT with the reason
 * code and a Reason String (MQTT-4.13.2-1; allowed whatever Request Problem Information said, MQTT-3.1.2-29),
 * then the close. Only that connection is affected.
 *
 * <p>A client can cause these at will, so their log lines are limited per cause (the packet type and reason
 * code, never client text): one per {@code log.repeat-interval}, then how many were left out; every one is
 * counted ({@link #closesByCause()}).
 */
public final class Disconnector {

    /** The MQTT protocol level of a channel once its CONNECT is decoded: 3, 4 or 5. */
    static final AttributeKey<Integer> PROTOCOL_LEVEL = AttributeKey.valueOf("ternmq.protocol-level");
    /** An MQTT 5 client's Maximum Packet Size, for leaving a Reason String out of what would not fit it. */
    static final AttributeKey<Long> CLIENT_MAXIMUM_PACKET_SIZE = AttributeKey.valueOf("ternmq.client-max-packet");
    /** Set once the broker decided to close a channel: packets decoded after that are dropped unread. */
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("ternmq.closing");

    private static final Logger LOG = LoggerFactory.getLogger(Disconnector.class);

    private final BrokerMetrics metrics;
    private final RepeatLimitedLog log;

    public Disconnector(BrokerMetrics metrics, Duration repeatInterval) {
        this.metrics = metrics;
        this.log = new RepeatLimitedLog(LOG, repeatInterval);
    }

    /** The client broke the protocol or a platform rule: MQTT 5 gets the reason code, then the connection closes. */
    public void violation(ChannelHandlerContext ctx, String clientId, byte reasonCode, String reason) {
        violation(ctx, clientId, reasonCode, reason, "violation " + ReasonCode.hex(reasonCode));
    }

    /** A packet that could not be decoded: MQTT 5 gets its reason code (0x81, 0x82, 0x95), then the close. */
    public void malformed(ChannelHandlerContext ctx, String clientId, MqttDecodeException e) {
        violation(ctx, clientId, e.reasonCode(), e.getMessage(), e.cause());
    }

    private void violation(ChannelHandlerContext ctx, String clientId, byte reasonCode, String reason, String cause) {
        metrics.protocolViolations.increment();
        log.info(cause, "closing {} from {}: {}", who(clientId), PeerAddress.of(ctx.channel()), LogText.of(reason));
        disconnect(ctx.channel(), reasonCode, reason);
    }

    /** Logs a refused CONNECT, limited per cause like the closes. */
    void logRefusal(String cause, String format, Object... args) {
        log.info(cause, format, args);
    }

    /** How many connections were closed or refused for each cause since start. */
    public java.util.Map<String, Long> closesByCause() {
        return log.counts();
    }

    /** A protocol violation without a more specific reason code (MQTT 5: 0x82 Protocol Error). */
    public void violation(ChannelHandlerContext ctx, String clientId, String reason) {
        violation(ctx, clientId, ReasonCode.PROTOCOL_ERROR, reason);
    }

    /** Closes for a reason that is not a protocol violation (keepalive expired, a connect timeout, overload). */
    public void close(ChannelHandlerContext ctx, String clientId, byte reasonCode, String reason) {
        LOG.debug("closing {} from {}: {}", who(clientId), PeerAddress.of(ctx.channel()), reason);
        disconnect(ctx.channel(), reasonCode, reason);
    }

    public void close(ChannelHandlerContext ctx, String clientId, String reason) {
        close(ctx, clientId, ReasonCode.UNSPECIFIED_ERROR, reason);
    }

    /**
     * Marks a channel as closing: whatever else the same read decoded (a PUBLISH after a violation or a
     * DISCONNECT, MQTT-3.14.4-2; a CONNECT after a refused one, MQTT-3.1.4-5) is not acted on.
     */
    static void markClosing(Channel channel) {
        channel.attr(CLOSING).set(Boolean.TRUE);
    }

    /** Another stream of the same connection (a QUIC data stream) is closed in the same version and bounds. */
    static void sameAs(Channel connected, Channel stream) {
        stream.attr(PROTOCOL_LEVEL).set(Attributes.peek(connected, PROTOCOL_LEVEL));
        stream.attr(CLIENT_MAXIMUM_PACKET_SIZE).set(Attributes.peek(connected, CLIENT_MAXIMUM_PACKET_SIZE));
    }

    static boolean closing(Channel channel) {
        return Attributes.peek(channel, CLOSING) != null || !channel.isActive();
    }

    /** Writes the MQTT 5 DISCONNECT when the channel speaks 5.0, then closes it. Any thread. */
    static void disconnect(Channel channel, byte reasonCode, String reason) {
        markClosing(channel);
        Integer level = Attributes.peek(channel, PROTOCOL_LEVEL);
        if (level != null && level == 5 && channel.isActive()) {
            Long max = Attributes.peek(channel, CLIENT_MAXIMUM_PACKET_SIZE);
            channel.writeAndFlush(disconnectPacket(reasonCode, reason, max == null ? 0 : max))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    static MqttMessage disconnectPacket(byte reasonCode, String reason, long clientMaximumPacketSize) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(reasonCode,
                        Mqtt5Properties.reasonString(reason, true, clientMaximumPacketSize, 1)));
    }

    private static String who(String clientId) {
        return clientId == null ? "connection" : "client " + LogText.of(clientId);
    }
}

package io.ternmq.core.codec;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttMessageType;

/**
 * Why one packet could not be accepted as it was written: the MQTT 5 reason code the broker answers with
 * (0x81 Malformed Packet, 0x82 Protocol Error, 0x95 Packet Too Large, 0x84 Unsupported Protocol Version), the
 * packet type when the fixed header got that far, and the connection's protocol level when it is known.
 * {@link #getMessage()} names the field, for the log and the MQTT 5 Reason String.
 *
 * <p>Made without a stack trace: a hostile client can cause one per connection, and the trace would say nothing
 * the message does not.
 */
public final class MqttDecodeException extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final byte reasonCode;
    private final transient MqttMessageType packetType;
    private final int protocolLevel;

    MqttDecodeException(byte reasonCode, MqttMessageType packetType, int protocolLevel, String message) {
        super(message);
        this.reasonCode = reasonCode;
        this.packetType = packetType;
        this.protocolLevel = protocolLevel;
    }

    /** 0x81, 0x82, 0x84 or 0x95. */
    public byte reasonCode() {
        return reasonCode;
    }

    /** The packet's type, or null when its first byte names none. */
    public MqttMessageType packetType() {
        return packetType;
    }

    /** 3, 4 or 5 once known (the CONNECT's level, read before the failure), else 0. */
    public int protocolLevel() {
        return protocolLevel;
    }

    /**
     * A short, bounded name for what went wrong, for counters and log rate limits: the packet type and the
     * reason code, e.g. "PUBLISH 0x81". Never built from client data.
     */
    public String cause() {
        return (packetType == null ? "packet" : packetType.name()) + " " + ReasonCode.hex(reasonCode);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

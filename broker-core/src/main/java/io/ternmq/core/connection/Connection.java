package io.ternmq.core.connection;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.ternmq.core.message.Delivery;
import java.net.SocketAddress;

/**
 * The engine's narrow view of one client connection. Sessions write through it from their owner thread;
 * they know nothing of sockets, TLS or QUIC.
 */
public interface Connection {

    /** The listener that accepted it: "tcp", "tls" or "quic". */
    String transport();

    SocketAddress remoteAddress();

    /** 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0). */
    int protocolLevel();

    /** What it said at CONNECT: user name, keepalive, when, TLS identity. */
    default ConnectionInfo info() {
        return ConnectionInfo.UNKNOWN;
    }

    /** The client id of the session it serves; null when it has none (a test's connection). */
    default String clientId() {
        return null;
    }

    /** How long since the client last sent anything, in milliseconds (RRPC's HALFCONN); 0 when unknown. */
    default long silentMillis() {
        return 0;
    }

    /** False while the socket's outbound buffer is above its high-water mark: queue instead of writing. */
    boolean isWritable();

    /** Writes without flushing; {@link #flush()} ends a batch. Callable from any thread. */
    void write(MqttMessage message);

    void flush();

    /** Shutdown: nothing more the client sends is read or acted on; what the broker owes can still be written. */
    default void stopReading() {
    }

    /** Closes the connection for this reason (MQTT 5 clients are told with a DISCONNECT reason code). */
    void close(CloseReason reason);

    /**
     * The most unacknowledged QoS 1 deliveries this client accepts at once: its MQTT 5 Receive Maximum
     * (MQTT-3.3.4-9); unlimited for 3.x, where the session's own window applies.
     */
    default int receiveMaximum() {
        return Integer.MAX_VALUE;
    }

    /**
     * Writes the PUBLISH for a delivery in this connection's protocol version. Returns false, writing nothing,
     * when the packet would exceed the client's Maximum Packet Size (MQTT-3.1.2-25).
     */
    default boolean writePublish(Delivery delivery, int packetId, boolean dup) {
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(delivery.qos()),
                false, 0);
        write(new MqttPublishMessage(fixed,
                new MqttPublishVariableHeader(delivery.message().topic(), packetId),
                Unpooled.wrappedBuffer(delivery.message().payload())));
        return true;
    }
}

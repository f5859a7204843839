package io.ternmq.core.connection;

import io.netty.handler.codec.mqtt.MqttMessage;
import java.net.SocketAddress;

/**
 * The engine's narrow view of one client connection. Sessions write through it from their owner thread;
 * they know nothing of sockets, TLS or QUIC.
 */
public interface Connection {

    /** The listener that accepted it: "tcp", later "tls" or "quic". */
    String transport();

    SocketAddress remoteAddress();

    /** 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0). */
    int protocolLevel();

    /** False while the socket's outbound buffer is above its high-water mark: queue instead of writing. */
    boolean isWritable();

    /** Writes without flushing; {@link #flush()} ends a batch. Callable from any thread. */
    void write(MqttMessage message);

    void flush();

    /** Closes the connection for this reason (MQTT 5 clients will be told with a DISCONNECT reason code). */
    void close(CloseReason reason);
}

package io.ternmq.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The MQTT over QUIC listener's settings (the port is {@link ListenersConfig#quicPort()}; the certificate is the
 * TLS listener's, {@link TlsConfig}).
 *
 * @param maxConnections        QUIC connections at once, handshakes included; more are closed at once
 * @param maxStreams            bidirectional streams a client may have open at once; MQTT uses the first, any
 *                              other is refused
 * @param initialMaxData        flow-control credit per connection, in bytes (the initial_max_data parameter)
 * @param initialMaxStreamData  flow-control credit per stream, in bytes
 * @param handshakeTimeout      how long a client may take to complete the QUIC handshake
 * @param statelessRetry        whether a new client must first prove its address with a Retry token
 * @param earlyData             what a resuming client's 0-RTT early data may have acted on before the handshake
 *                              completes
 * @param sessionLifetime       how long a TLS session ticket can be used to resume
 * @param sockets               UDP sockets sharing the port through SO_REUSEPORT, on the I/O event loops; 0: one
 *                              per I/O loop
 * @param maxAckDelay           the longest the broker promises to hold back an acknowledgement (max_ack_delay); a
 *                              client waits this much longer than a round trip before it resends what it lost
 */
public record QuicConfig(int maxConnections, int maxStreams, int initialMaxData, int initialMaxStreamData,
                         Duration handshakeTimeout, boolean statelessRetry, EarlyData earlyData,
                         Duration sessionLifetime, int sockets, Duration maxAckDelay) {

    public QuicConfig {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(maxAckDelay, "maxAckDelay");
        Objects.requireNonNull(earlyData, "earlyData");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    }
}

package io.ternmq.config;

import java.util.Objects;

/**
 * Where the broker listens. A port of 0 turns that listener off.
 *
 * @param bind     IP literal or host name every listener binds to
 * @param tcpPort  MQTT over TCP
 * @param tlsPort  MQTT over TLS
 * @param quicPort MQTT over QUIC (UDP)
 * @param httpPort HTTP admin API
 */
public record ListenersConfig(String bind, int tcpPort, int tlsPort, int quicPort, int httpPort) {

    public ListenersConfig {
        Objects.requireNonNull(bind, "bind");
    }
}

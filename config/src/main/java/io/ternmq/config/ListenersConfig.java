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
 * @param ioThreads the network I/O event loops, which also run the sessions; 0: one per core
 */
public record ListenersConfig(String bind, int tcpPort, int tlsPort, int quicPort, int httpPort, int ioThreads) {

    public ListenersConfig {
        Objects.requireNonNull(bind, "bind");
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must be 0 (one per core) or more: " + ioThreads);
        }
    }

    /** Listeners built by hand (tests), with one I/O thread per core. */
    public ListenersConfig(String bind, int tcpPort, int tlsPort, int quicPort, int httpPort) {
        this(bind, tcpPort, tlsPort, quicPort, httpPort, 0);
    }

    /** How many I/O event loops to run: {@link #ioThreads()}, or the cores the JVM sees when that is 0. */
    public int ioThreadCount() {
        return ioThreads == 0 ? Runtime.getRuntime().availableProcessors() : ioThreads;
    }
}

package io.ternmq.transport.quic;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The QUIC listener's counters, for the log, tests and the HTTP API's metrics. */
public final class QuicStats {

    final AtomicInteger open = new AtomicInteger();
    final AtomicLong refusedConnections = new AtomicLong();
    final AtomicLong handshakeTimeouts = new AtomicLong();
    final AtomicLong handshakesCompleted = new AtomicLong();
    final AtomicLong handshakesFailed = new AtomicLong();
    final AtomicLong refusedStreams = new AtomicLong();
    final AtomicLong dataStreams = new AtomicLong();
    final AtomicLong earlyDataStreams = new AtomicLong();
    final AtomicLong earlyDataConnects = new AtomicLong();
    final AtomicLong migrations = new AtomicLong();

    /** QUIC connections open now, handshakes included. */
    public int openConnections() {
        return open.get();
    }

    /** Connections closed at once because quic.max-connections was reached. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /** Connections closed because their handshake did not complete within quic.handshake-timeout. */
    public long handshakeTimeouts() {
        return handshakeTimeouts.get();
    }

    /** QUIC handshakes completed (the client's Finished arrived), since start. */
    public long handshakesCompleted() {
        return handshakesCompleted.get();
    }

    /** QUIC handshakes that failed in TLS or did not complete within quic.handshake-timeout, since start. */
    public long handshakesFailed() {
        return handshakesFailed.get();
    }

    /**
     * Streams refused: a unidirectional or server-side one, a data stream before the control stream's CONNECT
     * completed or before the handshake did, any stream after the first with {@code quic.max-streams} at 1.
     */
    public long refusedStreams() {
        return refusedStreams.get();
    }

    /** Data streams opened (multi-stream mode: bidirectional streams after the control stream), since start. */
    public long dataStreams() {
        return dataStreams.get();
    }

    /** Connections whose MQTT stream arrived in 0-RTT early data (a resumed TLS session), held or not. */
    public long earlyDataStreams() {
        return earlyDataStreams.get();
    }

    /** Connections whose CONNECT arrived in 0-RTT early data and was acted on before the handshake completed. */
    public long earlyDataConnects() {
        return earlyDataConnects.get();
    }

    /** Connections that moved to a new client address or port (QUIC connection migration, NAT rebinding). */
    public long migrations() {
        return migrations.get();
    }
}

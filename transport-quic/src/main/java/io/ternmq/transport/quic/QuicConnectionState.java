package io.ternmq.transport.quic;

import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What the listener knows about one QUIC connection, kept on its {@code QuicChannel}. Touched only on the
 * connection's event loop (the QUIC channel and its streams share it), so it needs no locks.
 */
final class QuicConnectionState {

    static final AttributeKey<QuicConnectionState> KEY = AttributeKey.valueOf("ternmq.quic-connection");

    private boolean handshakeDone;
    private QuicStreamChannel mqttStream;
    private List<Runnable> onHandshake = new ArrayList<>(1);

    static QuicConnectionState of(Channel quicChannel) {
        QuicConnectionState state = quicChannel.attr(KEY).get();
        if (state == null) {
            state = new QuicConnectionState();
            quicChannel.attr(KEY).set(state);
        }
        return state;
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    /** Runs task once the TLS handshake has completed (at once if it has). */
    void whenHandshakeDone(Runnable task) {
        if (handshakeDone) {
            task.run();
        } else {
            onHandshake.add(task);
        }
    }

    void handshakeCompleted() {
        if (handshakeDone) {
            return;
        }
        handshakeDone = true;
        List<Runnable> tasks = onHandshake;
        onHandshake = List.of();
        tasks.forEach(Runnable::run);
    }

    /** The stream carrying MQTT, or null before the client opened one. */
    QuicStreamChannel mqttStream() {
        return mqttStream;
    }

    void mqttStream(QuicStreamChannel stream) {
        this.mqttStream = stream;
    }
}

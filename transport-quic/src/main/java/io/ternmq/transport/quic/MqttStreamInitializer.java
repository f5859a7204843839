package io.ternmq.transport.quic;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.ternmq.core.connection.PeerAddress;
import io.ternmq.core.auth.TlsIdentity;
import io.ternmq.core.protocol.MqttPipelineInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up each stream a client opens. The first client-initiated bidirectional stream carries the MQTT connection
 * (the single-stream mode of EMQX's clients) and gets exactly the pipeline every transport gets, from the shared
 * {@link MqttPipelineInstaller}, behind the {@link EarlyDataGate} while the handshake is still running:
 * <pre>
 *   [quic-early-data until the handshake completes], connection-limit, ... (MqttPipelineInstaller)
 * </pre>
 * That first stream is the control stream. With {@code quic.max-streams} above 1 the client may open more
 * bidirectional streams once its CONNECT completed: each is a data stream (EMQX's multi-stream mode) carrying
 * PUBLISH, PUBACK, SUBSCRIBE, UNSUBSCRIBE and PINGREQ with a session of its own within the connection's
 * ({@link MqttPipelineInstaller#installDataStream}). Any other stream is refused with a reset. Closing the
 * control stream, from either side, closes the connection; closing a data stream closes only that stream.
 */
@ChannelHandler.Sharable
final class MqttStreamInitializer extends ChannelInitializer<QuicStreamChannel> {

    /** Application error code of a refused stream (RESET_STREAM / STOP_SENDING). */
    static final int STREAM_REFUSED = 0x1;

    private static final Logger LOG = LoggerFactory.getLogger(MqttStreamInitializer.class);

    private final MqttPipelineInstaller installer;
    private final QuicStats stats;
    private final EarlyDataGate.Policy early;
    private final int maxEarlyBytes;
    private final boolean clientCertificates;
    /** Data streams a connection may have open at once: quic.max-streams less the control stream. */
    private final int dataStreams;

    /**
     * @param early              what may be acted on before the handshake completes (0-RTT early data)
     * @param maxEarlyBytes      input held on the stream before the handshake completes, at most (more closes it)
     * @param clientCertificates whether clients may present certificates (the identity is set on the stream at the
     *                           end of the handshake)
     * @param maxStreams         quic.max-streams: bidirectional streams a connection may have open at once
     */
    MqttStreamInitializer(MqttPipelineInstaller installer, QuicStats stats, EarlyDataGate.Policy early,
                          int maxEarlyBytes, boolean clientCertificates, int maxStreams) {
        this.installer = installer;
        this.stats = stats;
        this.early = early;
        this.maxEarlyBytes = maxEarlyBytes;
        this.clientCertificates = clientCertificates;
        this.dataStreams = Math.max(1, maxStreams - 1);
    }

    @Override
    protected void initChannel(QuicStreamChannel stream) {
        QuicChannel connection = stream.parent();
        QuicConnectionState state = QuicConnectionState.of(connection);
        if (stream.type() != QuicStreamType.BIDIRECTIONAL || stream.isLocalCreated()) {
            refuse(stream, "MQTT runs on bidirectional streams the client opens");
            return;
        }
        QuicStreamChannel control = state.mqttStream();
        if (control != null) {
            dataStream(stream, control, state);
            return;
        }
        state.mqttStream(stream);
        // Later than the close itself, so that what the MQTT pipeline flushed last (a DISCONNECT) goes out first.
        stream.closeFuture().addListener(f -> connection.eventLoop().execute(connection::close));
        Runnable identity = () -> setIdentity(stream, connection);
        if (state.handshakeDone()) {
            identity.run();
        } else {
            stats.earlyDataStreams.incrementAndGet();
            stream.pipeline().addLast(EarlyDataGate.NAME,
                    new EarlyDataGate(state, early, maxEarlyBytes, stats.earlyDataConnects::incrementAndGet, identity));
        }
        // Logs and the authenticator see the client's current UDP path, not the stream id.
        stream.attr(PeerAddress.KEY).set(connection::remoteSocketAddress);
        installer.install(stream, QuicListener.TRANSPORT);
    }

    /**
     * A stream after the control stream: a data stream of the multi-stream mode once the control stream's
     * CONNECT completed and the handshake did (0-RTT data streams are not taken: their replay could subscribe).
     * Its close, by either side or by a reset, ends only its own subscriptions.
     */
    private void dataStream(QuicStreamChannel stream, QuicStreamChannel control, QuicConnectionState state) {
        if (!state.handshakeDone()) {
            refuse(stream, "a data stream in 0-RTT early data");
            return;
        }
        stream.attr(PeerAddress.KEY).set(stream.parent()::remoteSocketAddress);
        if (!installer.installDataStream(control, stream, dataStreams)) {
            refuse(stream, "a data stream before the control stream's CONNECT completed");
            return;
        }
        stats.dataStreams.incrementAndGet();
    }

    private void refuse(QuicStreamChannel stream, String why) {
        stats.refusedStreams.incrementAndGet();
        LOG.debug("refusing QUIC stream {} from {}: {}", stream.streamId(), stream.parent().remoteSocketAddress(), why);
        stream.shutdown(STREAM_REFUSED).addListener(ChannelFutureListener.CLOSE);
    }

    private void setIdentity(QuicStreamChannel stream, QuicChannel connection) {
        if (!clientCertificates) {
            return;
        }
        TlsIdentity identity = TlsIdentity.ofPeer(connection.sslEngine());
        if (identity != null) {
            stream.attr(TlsIdentity.KEY).set(identity);
            LOG.debug("QUIC client {} presented a verified certificate: {}", connection.remoteSocketAddress(),
                    identity.subject());
        }
    }
}

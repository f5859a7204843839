package io.ternmq.core.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.ternmq.core.codec.MqttFrameDecoder;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.trace.MessageTrace;
import java.time.Duration;

/**
 * Builds the MQTT part of every connection's pipeline, whatever the transport (HiveMQ's
 * AbstractChannelInitializer). A transport adds only what sits in front (TLS, a QUIC stream) and then calls
 * {@link #install}. After CONNECT the connect handler is replaced by the protocol handler of the client's version,
 * which also watches the keepalive:
 * <pre>
 *   [front] connection-limit, byte-counter, flush-consolidation, mqtt-decoder, mqtt-encoder, connect
 *   after CONNECT: ... mqtt-encoder, mqtt3 (MQTT 3.1 and 3.1.1) or mqtt5 (MQTT 5.0)
 * </pre>
 */
public final class MqttPipelineInstaller {

    public static final String BYTES = ByteCounter.NAME;
    public static final String FLUSH = "flush-consolidation";
    public static final String DECODER = MqttFrameDecoder.NAME;
    public static final String ENCODER = "mqtt-encoder";
    public static final String CONNECT = ConnectHandler.NAME;
    public static final String MQTT3 = Mqtt3Handler.NAME;
    public static final String MQTT5 = Mqtt5Handler.NAME;

    private final ConnectionLimiter connectionLimiter;
    private final ByteCounter byteCounter;
    private final ConnectAcceptor acceptor;
    private final SessionRegistry registry;
    private final int maxPacketSize;
    private final long connectTimeoutMillis;

    /**
     * @param maxConnections  {@code limits.max-connections}, across every transport using this installer
     * @param connectTimeout  {@code limits.connect-timeout}: how long a new connection may take to send CONNECT
     */
    public MqttPipelineInstaller(PlatformPolicy policy, SignIn signIn, SessionRegistry registry,
                                 Router router, Disconnector disconnector, MessageTrace trace, BrokerMetrics metrics,
                                 int maxConnections, Duration connectTimeout) {
        this.connectionLimiter = new ConnectionLimiter(maxConnections, metrics);
        this.byteCounter = new ByteCounter(metrics);
        this.acceptor = new ConnectAcceptor(policy, signIn, registry,
                new ProtocolHandlers(policy, router, disconnector, trace, metrics), disconnector, trace, metrics);
        this.registry = registry;
        this.maxPacketSize = policy.maxPacketSize();
        this.connectTimeoutMillis = connectTimeout.toMillis();
    }

    /** Adds the MQTT handlers to the end of the channel's pipeline. transport names the listener, e.g. "tcp". */
    public void install(Channel channel, String transport) {
        ChannelPipeline p = channel.pipeline();
        p.addLast(ConnectionLimiter.NAME, connectionLimiter);
        addFraming(p, new MqttFrameDecoder(maxPacketSize));
        p.addLast(CONNECT, new ConnectHandler(acceptor, transport, connectTimeoutMillis));
    }

    /** What every MQTT channel has between its front and its protocol handler, a data stream's included. */
    private void addFraming(ChannelPipeline p, MqttFrameDecoder decoder) {
        p.addLast(ByteCounter.NAME, byteCounter);
        // The replies to one read's packets, and deliveries from other connections, go out in one syscall per
        // burst instead of one per packet.
        p.addLast(FLUSH, new FlushConsolidationHandler(256, true));
        // Each packet is decoded within its own bytes; one over max-packet-size is refused from its fixed header.
        p.addLast(DECODER, decoder);
        p.addLast(ENCODER, MqttEncoder.INSTANCE);
    }

    /**
     * Adds the MQTT handlers of a data stream to {@code stream}, another stream of the connection whose control
     * stream {@code control} completed CONNECT (multi-stream MQTT over QUIC, EMQX's mode):
     * <pre>
     *   byte-counter, flush-consolidation, mqtt-decoder, mqtt-encoder, mqtt3 or mqtt5 (of the control's version)
     * </pre>
     * The stream gets a session of its own for its subscriptions, deliveries and acknowledgements
     * ({@link SessionRegistry#streamSession}), bound on the owner behind the control stream's CONNECT; it ends
     * with the stream, and the stream ends with the control stream's connection (a takeover, a kick, shutdown).
     * Returns false, adding nothing, while the control stream has no session (CONNECT not read or refused, or
     * closing): the caller refuses the stream.
     *
     * @param parts the data streams a connection may have: each gets that share of a session's queue bounds
     */
    public boolean installDataStream(Channel control, Channel stream, int parts) {
        SessionPacketHandler controlHandler = protocolHandler(control);
        if (controlHandler == null || Disconnector.closing(control)) {
            return false;
        }
        ClientConnection controlConnection = controlHandler.connection();
        ClientConnection connection = controlConnection.dataStream(stream);
        SessionPacketHandler handler = controlHandler.dataStream(connection);
        Disconnector.sameAs(control, stream);
        ChannelPipeline p = stream.pipeline();
        addFraming(p, MqttFrameDecoder.sameVersionAs(control, stream, maxPacketSize));
        p.addLast(controlConnection.protocolLevel() == 5 ? MQTT5 : MQTT3, handler);
        // Queued on the owner behind the control stream's CONNECT, and ahead of whatever this stream reads.
        controlConnection.owner().executeAlways(() -> {
            if (!controlConnection.speaksForSession() || !stream.isActive()) {
                stream.close(); // the control stream's CONNECT was refused, or it is gone: so is its connection
                return;
            }
            connection.session(registry.streamSession(controlConnection.session(), connection, parts));
        });
        return true;
    }

    private static SessionPacketHandler protocolHandler(Channel channel) {
        ChannelPipeline p = channel.pipeline();
        ChannelHandler handler = p.get(MQTT5);
        return (SessionPacketHandler) (handler != null ? handler : p.get(MQTT3));
    }

    /** Open connections across every transport using this installer. */
    public int openConnections() {
        return connectionLimiter.open();
    }
}

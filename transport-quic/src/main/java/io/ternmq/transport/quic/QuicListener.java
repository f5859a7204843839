package io.ternmq.transport.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicCodecDispatcher;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.ternmq.config.ConfigException;
import io.ternmq.config.EarlyData;
import io.ternmq.config.QuicConfig;
import io.ternmq.core.protocol.MqttPipelineInstaller;
import io.ternmq.tls.ReloadableTlsContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT over QUIC (RFC 9000 v1, ALPN {@code mqtt}) on one UDP port. Each QUIC connection carries one MQTT
 * connection on its first bidirectional stream, which gets the shared {@link MqttPipelineInstaller} pipeline.
 * <p>
 * Several UDP sockets share the port through SO_REUSEPORT (native epoll), on the broker's I/O event loops in turn,
 * so QUIC's crypto and quiche's work spread over the cores, and a connection whose socket is on its session's loop
 * reaches its session and its stream without a thread hop (the loops own the sessions; a TCP connection moves to
 * its session's loop, a QUIC stream cannot leave its connection's). The kernel picks a socket by the client's
 * address, which changes when a client migrates; Netty's {@link QuicCodecDispatcher} therefore writes the socket's
 * index into every connection ID the broker issues and hands each packet to the socket that owns its connection.
 */
public final class QuicListener implements AutoCloseable {

    public static final String TRANSPORT = "quic";
    /** QUIC version 1, RFC 9000; the only version offered (others get Version Negotiation). */
    static final int QUIC_V1 = 0x0000_0001;

    private static final Logger LOG = LoggerFactory.getLogger(QuicListener.class);
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    private final QuicConfig config;
    private final Duration idleTimeout;
    private final ReloadableTlsContext tls;
    private final MqttPipelineInstaller installer;
    private final Predicate<String> unknownClientId;
    private final String host;
    private final int port;
    private final QuicStats stats = new QuicStats();
    private final RetryTokenHandler tokens = new RetryTokenHandler();
    private final boolean epoll = Epoll.isAvailable();
    private final List<Channel> sockets = new ArrayList<>();
    private final EventLoopGroup loops;
    private InetSocketAddress bound;
    private int socketCount;
    private volatile boolean accepting = true;

    /**
     * @param idleTimeout the QUIC idle timeout advertised to clients; the MQTT keepalive watchdog closes idle
     *                    connections first, so this only has to be longer than the longest keepalive allowed
     */
    /**
     * @param unknownClientId whether a client id has no session in the broker: without stateless retry, a CONNECT in
     *                        0-RTT early data is acted on before the handshake only then (see {@link EarlyDataGate})
     * @param loops           the event loops the sockets go on, in turn: the broker's I/O loops, which own the
     *                        sessions, so a connection whose socket is on its session's loop needs no thread hop
     *                        (native epoll ones where available, NIO ones otherwise, as {@link Epoll} says)
     */
    public QuicListener(QuicConfig config, Duration idleTimeout, ReloadableTlsContext tls,
                        MqttPipelineInstaller installer, Predicate<String> unknownClientId, EventLoopGroup loops,
                        String host, int port) {
        this.config = config;
        this.loops = loops;
        this.unknownClientId = unknownClientId;
        this.idleTimeout = idleTimeout;
        this.tls = tls;
        this.installer = installer;
        this.host = host;
        this.port = port;
    }

    private static List<EventLoop> loopsOf(EventLoopGroup loops) {
        List<EventLoop> list = new ArrayList<>();
        for (EventExecutor executor : loops) {
            list.add((EventLoop) executor);
        }
        return list;
    }

    /** Stops start-up with one line where Netty's native QUIC library (quiche, BoringSSL) does not load. */
    public static void requireAvailable() {
        if (!Quic.isAvailable()) {
            Throwable cause = Quic.unavailabilityCause();
            throw ConfigException.invalidValue("listeners.quic-port", "(on)", "0: MQTT over QUIC needs Netty's native "
                    + "QUIC library (Linux x86-64), which does not load here: "
                    + (cause == null ? "unknown reason" : cause.getMessage()), "the merged configuration");
        }
    }

    /**
     * Binds the sockets and starts accepting; returns the bound address. The port must be free: SO_REUSEPORT lets
     * this process spread it over several sockets, and would let another process (a second broker) join in too,
     * so the port is first bound once without it, which fails while anyone else holds it.
     */
    public InetSocketAddress bind() throws InterruptedException, java.net.SocketException {
        requireAvailable();
        if (port != 0) {
            try (java.net.DatagramSocket probe = new java.net.DatagramSocket(null)) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(host, port));
            }
        }
        List<EventLoop> loopList = loopsOf(loops);
        int count = !epoll ? 1 : config.sockets() == 0 ? loopList.size() : config.sockets();
        QuicTlsContexts contexts = new QuicTlsContexts(tls, config);
        QuicServerCodecBuilder codec = codecBuilder(contexts);
        ChannelHandler dispatcher = new QuicCodecDispatcher() {
            @Override
            protected void initChannel(Channel channel, int localConnectionIdLength,
                                       QuicConnectionIdGenerator idGenerator) {
                channel.pipeline().addLast(codec.clone().localConnectionIdLength(localConnectionIdLength)
                        .connectionIdAddressGenerator(idGenerator).build());
            }
        };
        Bootstrap bootstrap = new Bootstrap()
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .handler(dispatcher);
        if (epoll) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        InetSocketAddress bound = null;
        try {
            for (int i = 0; i < count; i++) {
                // Each socket on the next loop in turn, not on the group's next(): TCP and API connections
                // accepted meanwhile take turns from the same counter and could put two sockets on one loop.
                Channel socket = bootstrap.clone().group(loopList.get(i % loopList.size()))
                        .bind(host, bound == null ? port : bound.getPort()).sync().channel();
                sockets.add(socket);
                bound = (InetSocketAddress) socket.localAddress();
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        this.bound = bound;
        this.socketCount = count;
        return bound;
    }

    /** Logs the listener's line, once every listener of the broker is bound. */
    public void announce() {
        InetSocketAddress bound = this.bound;
        int count = socketCount;
        LOG.info("MQTT over QUIC listening on {}:{} (UDP, QUIC v1, ALPN {}, {} socket{}{}, stateless retry {}, "
                        + "0-RTT {}, client certificates {})", bound.getHostString(), bound.getPort(),
                QuicTlsContexts.ALPN, count, count == 1 ? "" : "s", epoll ? " on native epoll" : " (NIO)",
                config.statelessRetry() ? "on" : "off", config.earlyData().word(),
                tls.config().clientAuth().name().toLowerCase(java.util.Locale.ROOT));
    }

    private QuicServerCodecBuilder codecBuilder(QuicTlsContexts contexts) {
        long handshakeTimeoutMillis = config.handshakeTimeout().toMillis();
        ChannelHandler connections = new ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel channel) {
                if (!accepting) {
                    channel.close();
                    return;
                }
                channel.pipeline().addLast(QuicConnectionHandler.NAME,
                        new QuicConnectionHandler(stats, config.maxConnections(), handshakeTimeoutMillis,
                                config.earlyData() != EarlyData.OFF));
            }
        };
        // What 0-RTT early data may act on before the handshake: nothing with client certificates (verified only
        // at its end); any CONNECT where a replay cannot reach it (every connection proved its address with a
        // single-use Retry token, RetryTokenHandler), else only a CONNECT whose client id has no session.
        EarlyDataGate.Policy early = config.earlyData() == EarlyData.OFF || contexts.clientCertificates()
                ? EarlyDataGate.Policy.NOTHING
                : new EarlyDataGate.Policy(true, config.statelessRetry(), unknownClientId,
                        config.earlyData() == EarlyData.ON);
        return new QuicServerCodecBuilder()
                .version(QUIC_V1)
                .sslEngineProvider(contexts::newEngine)
                .maxIdleTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS)
                // quiche acknowledges in the next packet it sends, which Netty sends once a read is handled, so
                // the promise can be short; the client's loss recovery waits for it on top of a round trip
                .maxAckDelay(config.maxAckDelay().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(config.initialMaxData())
                .initialMaxStreamDataBidirectionalLocal(config.initialMaxStreamData())
                .initialMaxStreamDataBidirectionalRemote(config.initialMaxStreamData())
                .initialMaxStreamsBidirectional(config.maxStreams())
                .initialMaxStreamsUnidirectional(0)
                .initialMaxStreamDataUnidirectional(0)
                // Clients may move (Wi-Fi to cellular); NAT rebinding is followed whatever this says.
                .activeMigration(true)
                .tokenHandler(config.statelessRetry() ? tokens : null)
                .handler(connections)
                // Before the handshake a client can have sent no more than its stream's credit
                .streamHandler(new MqttStreamInitializer(installer, stats, early, config.initialMaxStreamData(),
                        contexts.clientCertificates(), config.maxStreams()));
    }

    /** The event loops the bound sockets are on, one entry per socket. */
    public List<EventLoop> socketLoops() {
        List<EventLoop> list = new ArrayList<>();
        for (Channel socket : sockets) {
            list.add(socket.eventLoop());
        }
        return list;
    }

    public QuicStats stats() {
        return stats;
    }

    /** Retry tokens refused so far (forged, expired, for another address, replayed). */
    public long refusedTokens() {
        return tokens.refused();
    }

    /** UDP sockets bound to the port. */
    public int sockets() {
        return sockets.size();
    }

    /** New connections are closed at once from now on; open ones stay (their datagrams still flow). */
    public void stopAccepting() {
        accepting = false;
    }

    /** Closes the sockets (the loops are the caller's); call after the sessions have closed their connections. */
    @Override
    public void close() {
        accepting = false;
        for (Channel socket : sockets) {
            socket.close().syncUninterruptibly();
        }
        sockets.clear();
    }
}

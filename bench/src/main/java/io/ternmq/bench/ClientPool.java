package io.ternmq.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.util.ArrayList;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * The sockets of a run: one event loop group (native epoll where available) shared by every client, the MQTT
 * codec, TLS when asked for, and the local source addresses taken in turn. With QUIC, each client is one QUIC
 * connection (ALPN {@code mqtt}) carrying MQTT on its first bidirectional stream, as ternmq and EMQX serve it; the
 * connections share one UDP socket per event loop.
 */
final class ClientPool implements AutoCloseable {

    private static final int MAX_PACKET = 300 * 1024;

    private final Options options;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final SslContext ssl;
    private final InetSocketAddress broker;
    private final AtomicInteger nextSource = new AtomicInteger();
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    /** UDP sockets carrying the QUIC connections; empty unless --transport quic. */
    private final List<Channel> quicSockets = new ArrayList<>();

    ClientPool(Options options) throws SSLException, InterruptedException {
        this.options = options;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("bench-io", true), io);
        this.ssl = options.transport().equals("tls")
                ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        this.broker = new InetSocketAddress(options.host(), options.port());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        if (options.transport().equals("quic")) {
            openQuicSockets(epoll);
        }
    }

    private void openQuicSockets(boolean epoll) throws InterruptedException {
        QuicSslContext quicSsl = QuicSslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols("mqtt")
                .build();
        InetSocketAddress local = new InetSocketAddress(options.sourceAddresses().isEmpty()
                ? broker.getAddress() : options.sourceAddresses().get(0), 0);
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            ChannelHandler codec = new QuicClientCodecBuilder()
                    .sslContext(quicSsl)
                    // The MQTT keepalive (PINGREQ) keeps a connection alive; QUIC's idle timeout must outlast it.
                    .maxIdleTimeout(Math.max(60, options.keepalive() * 2L), TimeUnit.SECONDS)
                    .maxAckDelay(options.quicMaxAckDelayMillis(), TimeUnit.MILLISECONDS)
                    .initialMaxData(16 * 1024 * 1024)
                    .initialMaxStreamDataBidirectionalLocal(1024 * 1024)
                    .initialMaxStreamDataBidirectionalRemote(1024 * 1024)
                    .initialMaxStreamsBidirectional(1)
                    .build();
            quicSockets.add(new Bootstrap().group(group)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .handler(codec)
                    .bind(local).sync().channel());
        }
    }

    /** Opens one connection for the client; its {@link BenchClient#ready()} tells when MQTT is up. */
    void connect(BenchClient client) {
        if (!quicSockets.isEmpty()) {
            connectQuic(client);
            return;
        }
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (ssl != null) {
                    ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), options.host(), options.port()));
                }
                addMqtt(ch, client);
            }
        });
        client.connectStarted(System.nanoTime());
        ChannelFuture f = options.sourceAddresses().isEmpty() ? b.connect(broker)
                : b.connect(broker, new InetSocketAddress(options.sourceAddresses().get(
                        Math.floorMod(nextSource.getAndIncrement(), options.sourceAddresses().size())), 0));
        channels.add(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                client.ready().completeExceptionally(done.cause());
            }
        });
    }

    /**
     * A short-lived TCP (or TLS) connection for churn: the MQTT codec and the handler, no keepalive pings. Not kept
     * in the pool's list (churn opens hundreds of thousands); its owner closes it.
     */
    ChannelFuture open(ChannelHandler handler) {
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (ssl != null) {
                    ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), options.host(), options.port()));
                }
                ch.pipeline().addLast("decoder", new MqttDecoder(MAX_PACKET));
                ch.pipeline().addLast("encoder", MqttEncoder.INSTANCE);
                ch.pipeline().addLast("client", handler);
            }
        });
        return options.sourceAddresses().isEmpty() ? b.connect(broker)
                : b.connect(broker, new InetSocketAddress(options.sourceAddresses().get(
                        Math.floorMod(nextSource.getAndIncrement(), options.sourceAddresses().size())), 0));
    }

    private void addMqtt(Channel ch, BenchClient client) {
        ch.pipeline().addLast("decoder", new MqttDecoder(MAX_PACKET));
        ch.pipeline().addLast("encoder", MqttEncoder.INSTANCE);
        ch.pipeline().addLast("ping", new IdleStateHandler(0, pingSeconds(), 0, TimeUnit.SECONDS));
        ch.pipeline().addLast("client", client);
    }

    /** A QUIC connection (handshake included in the connect latency), then MQTT on its first stream. */
    private void connectQuic(BenchClient client) {
        Channel socket = quicSockets.get(Math.floorMod(nextSource.getAndIncrement(), quicSockets.size()));
        client.connectStarted(System.nanoTime());
        QuicChannel.newBootstrap(socket)
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter())
                .remoteAddress(broker)
                .connect()
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        client.ready().completeExceptionally(connected.cause());
                        return;
                    }
                    QuicChannel quic = (QuicChannel) connected.getNow();
                    channels.add(quic);
                    quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            addMqtt(stream, client);
                        }
                    }).addListener(opened -> {
                        if (!opened.isSuccess()) {
                            client.ready().completeExceptionally(opened.cause());
                            quic.close();
                        }
                    });
                });
    }

    /** A PINGREQ after this many idle seconds keeps the connection inside its keepalive. */
    private int pingSeconds() {
        return options.keepalive() == 0 ? 0 : Math.max(1, options.keepalive() * 3 / 4);
    }

    @Override
    public void close() {
        for (Channel c : channels) {
            c.close();
        }
        for (Channel socket : quicSockets) {
            socket.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package io.ternmq.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
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
 * codec, TLS when asked for, and the local source addresses taken in turn.
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

    ClientPool(Options options) throws SSLException {
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
    }

    /** Opens one connection for the client; its {@link BenchClient#ready()} tells when MQTT is up. */
    void connect(BenchClient client) {
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (ssl != null) {
                    ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), options.host(), options.port()));
                }
                ch.pipeline().addLast("decoder", new MqttDecoder(MAX_PACKET));
                ch.pipeline().addLast("encoder", MqttEncoder.INSTANCE);
                ch.pipeline().addLast("ping", new IdleStateHandler(0, pingSeconds(), 0, TimeUnit.SECONDS));
                ch.pipeline().addLast("client", client);
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

    /** A PINGREQ after this many idle seconds keeps the connection inside its keepalive. */
    private int pingSeconds() {
        return options.keepalive() == 0 ? 0 : Math.max(1, options.keepalive() * 3 / 4);
    }

    @Override
    public void close() {
        for (Channel c : channels) {
            c.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package io.ternmq.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecDispatcher;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The transport alone, without MQTT or the broker: Netty's TCP and Netty's QUIC (quiche) echo servers in this
 * process, configured as the broker's listeners are (native epoll, one loop per core; for QUIC one SO_REUSEPORT
 * socket per loop behind Netty's {@code QuicCodecDispatcher}), and as many clients as the bench's p2p has, each
 * sending small messages at a fixed total rate and timing the echo. What the echo's p99 costs with QUIC against
 * TCP is what the chosen QUIC stack itself adds on this machine, before anything the broker does.
 *
 * <pre>
 *   java -jar ternmq-bench.jar echo --transport tcp|quic [--connections 100] [--rate 1000] [--duration 30s]
 *       [--payload 16] [--cert cert.pem --key key.pem (quic)]
 * </pre>
 */
final class TransportEcho {

    private static final Duration WARMUP = Duration.ofSeconds(5);

    private TransportEcho() {
    }

    static int main(String[] args, PrintStream out) throws InterruptedException {
        String transport = null;
        int connections = 100;
        int rate = 1000;
        int payload = 16;
        Duration duration = Duration.ofSeconds(30);
        File cert = null;
        File key = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("echo: " + args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--transport" -> transport = value;
                case "--connections" -> connections = Integer.parseInt(value);
                case "--rate" -> rate = Integer.parseInt(value);
                case "--payload" -> payload = Integer.parseInt(value);
                case "--duration" -> duration = Options.duration(args[i], value);
                case "--cert" -> cert = new File(value);
                case "--key" -> key = new File(value);
                default -> throw new IllegalArgumentException("echo: unknown option " + args[i]);
            }
        }
        if (!"tcp".equals(transport) && !"quic".equals(transport)) {
            throw new IllegalArgumentException("echo needs --transport tcp or quic");
        }
        if ("quic".equals(transport) && (cert == null || key == null)) {
            throw new IllegalArgumentException("echo --transport quic needs --cert and --key (PEM)");
        }
        if (payload < Long.BYTES || connections < 1 || rate < 1) {
            throw new IllegalArgumentException("echo: --payload at least 8, --connections and --rate at least 1");
        }
        int loops = Runtime.getRuntime().availableProcessors();
        EventLoopGroup serverLoops = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("echo-server"),
                EpollIoHandler.newFactory());
        EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("echo-client"),
                EpollIoHandler.newFactory());
        Histogram rtt = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        long measureFrom = System.nanoTime() + WARMUP.toNanos();
        int frame = payload;
        ChannelHandler timing = new TimingHandler(rtt, received, measureFrom);
        try {
            List<Channel> clients = transport.equals("tcp")
                    ? tcp(serverLoops, clientLoops, connections, frame, timing)
                    : quic(serverLoops, clientLoops, connections, frame, timing, cert, key, loops);
            long start = System.nanoTime();
            long end = measureFrom + duration.toNanos();
            int perConnectionNanos = (int) (TimeUnit.SECONDS.toNanos(1) / rate);
            out.printf("echo: %s, %d connections, %d messages/s in all, %d bytes, %d s warm-up, %d s measured%n",
                    transport, connections, rate, payload, WARMUP.toSeconds(), duration.toSeconds());
            // One message every 1/rate s, to the connections in turn, each written from its own event loop.
            long next = start;
            int turn = 0;
            while (next < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Channel c = clients.get(turn++ % clients.size());
                sent.incrementAndGet();
                c.eventLoop().execute(() -> {
                    ByteBuf b = c.alloc().buffer(frame);
                    b.writeLong(System.nanoTime());
                    b.writeZero(frame - Long.BYTES);
                    c.writeAndFlush(b);
                });
                next += perConnectionNanos;
            }
            Thread.sleep(2000);
            Histogram copy;
            synchronized (rtt) {
                copy = rtt.copy();
            }
            out.printf(Locale.ROOT, "echo: %s: sent %d, received %d, measured %d; round trip ms p50 %.3f p99 %.3f"
                            + " p99.9 %.3f max %.3f%n", transport, sent.get(), received.get(), copy.getTotalCount(),
                    copy.getValueAtPercentile(50) / 1000.0, copy.getValueAtPercentile(99) / 1000.0,
                    copy.getValueAtPercentile(99.9) / 1000.0, copy.getMaxValue() / 1000.0);
        } finally {
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return BenchMain.EXIT_OK;
    }

    /** Client side: each frame is the send time of one message; its round trip is recorded once warm. */
    @ChannelHandler.Sharable
    private static final class TimingHandler extends ChannelInboundHandlerAdapter {
        private final Histogram rtt;
        private final AtomicLong received;
        private final long measureFrom;

        TimingHandler(Histogram rtt, AtomicLong received, long measureFrom) {
            this.rtt = rtt;
            this.received = received;
            this.measureFrom = measureFrom;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                long now = System.nanoTime();
                long sentAt = frame.getLong(frame.readerIndex());
                received.incrementAndGet();
                if (sentAt >= measureFrom) {
                    synchronized (rtt) {
                        rtt.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(now - sentAt), rtt.getHighestTrackableValue()));
                    }
                }
            } finally {
                ReferenceCountUtil.release(frame);
            }
        }
    }

    /** Every server connection's own pipeline: nothing to do there, the streams echo. */
    @ChannelHandler.Sharable
    private static final class Nothing extends ChannelInboundHandlerAdapter {
        static final Nothing INSTANCE = new Nothing();
    }

    /** Server side: what arrives goes back as it is. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    private static List<Channel> tcp(EventLoopGroup serverLoops, EventLoopGroup clientLoops, int connections,
                                     int frame, ChannelHandler timing) throws InterruptedException {
        Channel server = new ServerBootstrap().group(serverLoops).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(Echo.INSTANCE)
                .bind("127.0.0.1", 0).sync().channel();
        Bootstrap client = new Bootstrap().group(clientLoops).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FixedLengthFrameDecoder(frame), timing);
                    }
                });
        List<Channel> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(client.connect(server.localAddress()).sync().channel());
        }
        return clients;
    }

    private static List<Channel> quic(EventLoopGroup serverLoops, EventLoopGroup clientLoops, int connections,
                                      int frame, ChannelHandler timing, File cert, File key, int sockets)
            throws InterruptedException {
        QuicSslContext serverSsl = QuicSslContextBuilder.forServer(key, null, cert).applicationProtocols("echo")
                .build();
        QuicServerCodecBuilder codec = new QuicServerCodecBuilder().sslContext(serverSsl)
                .maxIdleTimeout(60, TimeUnit.SECONDS)
                .initialMaxData(16 * 1024 * 1024)
                .initialMaxStreamDataBidirectionalRemote(1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(1024 * 1024)
                .initialMaxStreamsBidirectional(1)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(Nothing.INSTANCE)
                .streamHandler(Echo.INSTANCE);
        ChannelHandler dispatcher = new QuicCodecDispatcher() {
            @Override
            protected void initChannel(Channel channel, int localConnectionIdLength,
                                       QuicConnectionIdGenerator idGenerator) {
                channel.pipeline().addLast(codec.clone().localConnectionIdLength(localConnectionIdLength)
                        .connectionIdAddressGenerator(idGenerator).build());
            }
        };
        Bootstrap serverBootstrap = new Bootstrap().group(serverLoops).channel(EpollDatagramChannel.class)
                .option(EpollChannelOption.SO_REUSEPORT, true).handler(dispatcher);
        InetSocketAddress bound = (InetSocketAddress) serverBootstrap.bind("127.0.0.1", 0).sync().channel()
                .localAddress();
        for (int i = 1; i < sockets; i++) {
            serverBootstrap.bind("127.0.0.1", bound.getPort()).sync();
        }
        QuicSslContext clientSsl = QuicSslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE).applicationProtocols("echo").build();
        List<Channel> clientSockets = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            clientSockets.add(new Bootstrap().group(clientLoops).channel(EpollDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder().sslContext(clientSsl)
                            .maxIdleTimeout(60, TimeUnit.SECONDS)
                            .initialMaxData(16 * 1024 * 1024)
                            .initialMaxStreamDataBidirectionalLocal(1024 * 1024)
                            .initialMaxStreamDataBidirectionalRemote(1024 * 1024)
                            .build())
                    .bind("127.0.0.1", 0).sync().channel());
        }
        List<Channel> streams = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            QuicChannel quic = QuicChannel.newBootstrap(clientSockets.get(i % clientSockets.size()))
                    .handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(bound).connect().sync().getNow();
            QuicStreamChannel stream = quic.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel ch) {
                            ch.pipeline().addLast(new FixedLengthFrameDecoder(frame), timing);
                        }
                    }).sync().getNow();
            streams.add(stream);
        }
        return streams;
    }
}

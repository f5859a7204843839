package io.ternmq.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether one topic's messages wait behind another's on a QUIC connection (head-of-line blocking), measured. One
 * MQTT over QUIC subscriber takes two topics: a bulk topic (large messages, many a second) and a probe topic (small
 * messages, each carrying the time it was sent); a TCP publisher sends both. Reported: the probe's latency.
 * <ul>
 *   <li>{@code single}: both subscriptions on the control stream (the single-stream mode): a lost packet of bulk
 *       data holds up every probe behind it on the stream until it is retransmitted;</li>
 *   <li>{@code multi}: each subscription on a data stream of its own (the multi-stream mode);</li>
 *   <li>{@code stalled}: as multi, and the subscriber never reads the bulk stream (its window and queue fill);</li>
 *   <li>{@code alone}: the probe alone, nobody publishes bulk: the floor.</li>
 * </ul>
 * With the loss on UDP only (the namespace of {@code bench/quic-loss.sh}) the publisher's TCP path is clean, so
 * what differs between the modes is the QUIC path to the subscriber alone.
 *
 * <pre>
 *   java -jar ternmq-bench.jar streams --mode single|multi|stalled|alone [--host 127.0.0.1] [--port 1883]
 *       [--quic-port 14567] [--duration 30s] [--probe-rate 100] [--bulk-rate 200] [--bulk-size 4096]
 * </pre>
 */
final class StreamIsolation implements AutoCloseable {

    private static final String BULK = "bench/streams/bulk";
    private static final String PROBE = "bench/streams/probe";
    private static final Duration WARMUP = Duration.ofSeconds(3);
    private static final Duration DRAIN = Duration.ofSeconds(3);

    private final String mode;
    private final InetSocketAddress tcp;
    private final InetSocketAddress quic;
    private final int probeRate;
    private final int bulkRate;
    private final int bulkSize;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    /** Probe latencies in microseconds; written on the subscriber's event loop, read after the run. */
    private long[] latencies = new long[1 << 16];
    private int measured;
    private io.netty.channel.EventLoop subscriberLoop;
    /** The publisher's packet ids; on its event loop. */
    private int packetId;
    private volatile long measureFromNanos = Long.MAX_VALUE;
    private final AtomicLong probesSent = new AtomicLong();
    private final AtomicLong probesReceived = new AtomicLong();
    private final AtomicLong bulkReceived = new AtomicLong();
    private final AtomicLong bulkSent = new AtomicLong();

    private StreamIsolation(String mode, InetSocketAddress tcp, InetSocketAddress quic, int probeRate, int bulkRate,
                            int bulkSize) {
        this.mode = mode;
        this.tcp = tcp;
        this.quic = quic;
        this.probeRate = probeRate;
        this.bulkRate = bulkRate;
        this.bulkSize = bulkSize;
    }

    static int main(String[] args, PrintStream out) throws IOException, InterruptedException {
        String mode = null;
        String host = "127.0.0.1";
        int port = 1883;
        int quicPort = 14567;
        Duration duration = Duration.ofSeconds(30);
        int probeRate = 100;
        int bulkRate = 200;
        int bulkSize = 4096;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("streams: " + args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--mode" -> mode = value;
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--quic-port" -> quicPort = Integer.parseInt(value);
                case "--duration" -> duration = Options.duration(args[i], value);
                case "--probe-rate" -> probeRate = Integer.parseInt(value);
                case "--bulk-rate" -> bulkRate = Integer.parseInt(value);
                case "--bulk-size" -> bulkSize = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("streams: unknown option " + args[i]);
            }
        }
        if (mode == null || !Arrays.asList("single", "multi", "stalled", "alone").contains(mode)) {
            throw new IllegalArgumentException("streams needs --mode single, multi, stalled or alone");
        }
        if (bulkSize < 16 || probeRate < 1 || bulkRate < 0) {
            throw new IllegalArgumentException("streams: --bulk-size at least 16, --probe-rate at least 1");
        }
        try (StreamIsolation run = new StreamIsolation(mode, new InetSocketAddress(host, port),
                new InetSocketAddress(host, quicPort), probeRate, mode.equals("alone") ? 0 : bulkRate, bulkSize)) {
            run.run(duration, out);
        }
        return BenchMain.EXIT_OK;
    }

    private void run(Duration duration, PrintStream out) throws InterruptedException, IOException {
        QuicChannel subscriber = connectQuic();
        Endpoint control = openStream(subscriber);
        subscriberLoop = subscriber.eventLoop();
        control.request(MqttMessageBuilders.connect().clientId("bench-streams-sub")
                .protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(true).keepAlive(60).build(),
                MqttMessageType.CONNACK);
        Endpoint bulk = control;
        Endpoint probe = control;
        if (!mode.equals("single")) {
            bulk = openStream(subscriber);
            probe = openStream(subscriber);
        }
        bulk.subscribe(BULK, 1);
        probe.subscribe(PROBE, 1);
        if (mode.equals("stalled")) {
            bulk.channel.config().setAutoRead(false);
            // The read Netty had asked for already takes the PINGRESP; nothing is read after it.
            bulk.request(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE,
                    false, 0)), MqttMessageType.PINGRESP);
        }

        Channel publisher = connectTcp();
        long start = System.nanoTime();
        measureFromNanos = start + WARMUP.toNanos();
        long end = measureFromNanos + duration.toNanos();
        ScheduledFuture<?> ticks = publisher.eventLoop().scheduleAtFixedRate(() -> publish(publisher, start), 0, 1,
                TimeUnit.MILLISECONDS);
        out.printf("streams: mode %s, probe %d/s, bulk %d x %d B/s, %d s warm-up, %d s measured%n", mode, probeRate,
                bulkRate, bulkSize, WARMUP.toSeconds(), duration.toSeconds());
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
        ticks.cancel(false);
        Thread.sleep(DRAIN.toMillis());
        report(out);
    }

    /** Every millisecond: the probe and bulk messages due since the start. On the publisher's event loop. */
    private void publish(Channel publisher, long start) {
        long now = System.nanoTime();
        long elapsedMicros = TimeUnit.NANOSECONDS.toMicros(now - start);
        long probesDue = elapsedMicros * probeRate / 1_000_000;
        long bulkDue = elapsedMicros * bulkRate / 1_000_000;
        while (bulkSent.get() < bulkDue) {
            bulkSent.incrementAndGet();
            publisher.write(message(BULK, bulkSize, now, nextPacketId()));
        }
        while (probesSent.get() < probesDue) {
            probesSent.incrementAndGet();
            publisher.write(message(PROBE, 16, now, nextPacketId()));
        }
        publisher.flush();
    }

    private int nextPacketId() {
        packetId = packetId == 0xFFFF ? 1 : packetId + 1;
        return packetId;
    }

    private static MqttPublishMessage message(String topic, int size, long nanos, int packetId) {
        ByteBuf payload = Unpooled.buffer(size);
        payload.writeLong(nanos);
        payload.writeZero(size - Long.BYTES);
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).messageId(packetId)
                .payload(payload).build();
    }

    /** On the subscriber's event loop. */
    private void received(String topic, ByteBuf payload) {
        long now = System.nanoTime();
        long sent = payload.getLong(payload.readerIndex());
        if (topic.equals(BULK)) {
            bulkReceived.incrementAndGet();
            return;
        }
        probesReceived.incrementAndGet();
        if (sent >= measureFromNanos) {
            if (measured == latencies.length) {
                latencies = Arrays.copyOf(latencies, measured * 2);
            }
            latencies[measured++] = TimeUnit.NANOSECONDS.toMicros(now - sent);
        }
    }

    private void report(PrintStream out) throws InterruptedException {
        // read on the event loop that wrote them
        CompletableFuture<long[]> copy = new CompletableFuture<>();
        subscriberLoop.execute(() -> copy.complete(Arrays.copyOf(latencies, measured)));
        long[] sorted;
        try {
            sorted = copy.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Arrays.sort(sorted);
        out.printf(Locale.ROOT, "streams: %s: probes sent %d, received %d, measured %d; bulk sent %d, received %d;"
                        + " probe latency ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f%n",
                mode, probesSent.get(), probesReceived.get(), sorted.length, bulkSent.get(), bulkReceived.get(),
                percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }

    // ---- the subscriber: MQTT over QUIC ----

    private QuicChannel connectQuic() throws InterruptedException {
        QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols("mqtt").build();
        Channel socket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new QuicClientCodecBuilder().sslContext(ssl)
                        .maxIdleTimeout(60, TimeUnit.SECONDS)
                        .initialMaxData(64 * 1024 * 1024)
                        .initialMaxStreamDataBidirectionalLocal(4 * 1024 * 1024)
                        .initialMaxStreamDataBidirectionalRemote(4 * 1024 * 1024)
                        .initialMaxStreamsBidirectional(1)
                        .build())
                .bind(new InetSocketAddress(quic.getAddress(), 0)).sync().channel();
        return QuicChannel.newBootstrap(socket).handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter()).remoteAddress(quic).connect().sync().getNow();
    }

    private Endpoint openStream(QuicChannel connection) throws InterruptedException {
        Endpoint endpoint = new Endpoint();
        connection.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                endpoint.channel = ch;
                ch.pipeline().addLast(new MqttDecoder(1024 * 1024), MqttEncoder.INSTANCE, endpoint);
            }
        }).sync();
        return endpoint;
    }

    /** One stream of the subscriber: acknowledges QoS 1, records arrivals, answers the waits of the set-up. */
    private final class Endpoint extends ChannelInboundHandlerAdapter {
        volatile Channel channel;
        private volatile CompletableFuture<MqttMessageType> awaited;
        private volatile MqttMessageType awaitedType;

        /** Sends a packet and waits for the broker's answer of the given type. */
        void request(MqttMessage message, MqttMessageType reply) {
            awaited = new CompletableFuture<>();
            awaitedType = reply;
            channel.writeAndFlush(message);
            try {
                awaited.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("streams: no " + reply + " from the broker", e);
            } finally {
                awaitedType = null;
            }
        }

        void subscribe(String filter, int qos) {
            request(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.valueOf(qos), filter).build(),
                    MqttMessageType.SUBACK);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof MqttMessage m) || m.decoderResult().isFailure()) {
                    return;
                }
                MqttMessageType type = m.fixedHeader().messageType();
                if (m instanceof MqttPublishMessage publish) {
                    received(publish.variableHeader().topicName(), publish.payload());
                    if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                        ctx.writeAndFlush(MqttMessageBuilders.pubAck()
                                .packetId(publish.variableHeader().packetId()).build());
                    }
                } else if (type == awaitedType) {
                    awaited.complete(type);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    // ---- the publisher: MQTT over TCP ----

    private Channel connectTcp() throws InterruptedException {
        Endpoint publisher = new Endpoint();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        publisher.channel = c;
                        c.pipeline().addLast(new MqttDecoder(1024 * 1024), MqttEncoder.INSTANCE, publisher);
                    }
                }).connect(tcp).sync().channel();
        publisher.request(MqttMessageBuilders.connect().clientId("bench-streams-pub")
                .protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(true).keepAlive(60).build(),
                MqttMessageType.CONNACK);
        return ch;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

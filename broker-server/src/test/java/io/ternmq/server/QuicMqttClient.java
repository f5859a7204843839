package io.ternmq.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.SslEarlyDataReadyEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small MQTT over QUIC client: Netty's QUIC client codec with Netty's MQTT codec on the connection's first
 * bidirectional stream (the single-stream mode of EMQX's NanoSDK and emqtt), and on further streams it opens
 * ({@link #openDataStream}: EMQX's multi-stream mode, each a {@link StreamEnd}). One instance is one MQTT connection;
 * a {@link Context} holds what several share (event loop, UDP sockets, TLS context with its session-ticket cache,
 * so a second connection from the same context resumes the TLS session and can send CONNECT in 0-RTT).
 * <p>
 * It has no test assertions in it: acknowledgements are futures, arriving messages go to an inbox, so it can grow
 * into a client library. QoS 1 messages are acknowledged on arrival.
 */
final class QuicMqttClient implements AutoCloseable {

    /** A PUBLISH that arrived. */
    record Received(String topic, byte[] payload, int qos, boolean dup, MqttProperties properties) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Event loop, UDP sockets and TLS context shared by the clients made from it. */
    static final class Context implements AutoCloseable {
        private final EventLoopGroup group;
        private final List<Channel> sockets = new ArrayList<>();
        private final AtomicInteger next = new AtomicInteger();

        /**
         * @param trusted  the broker's certificate (or its CA) as a PEM file
         * @param sockets  UDP sockets to spread connections over (several connections share one socket)
         * @param alpn     the application protocols offered; the broker accepts only "mqtt"
         */
        Context(Path trusted, int sockets, String... alpn) throws Exception {
            group = new MultiThreadIoEventLoopGroup(Math.min(sockets, 2), new DefaultThreadFactory("quic-client"),
                    NioIoHandler.newFactory());
            QuicSslContext ssl = QuicSslContextBuilder.forClient()
                    .trustManager(readCertificate(trusted))
                    .applicationProtocols(alpn.length == 0 ? new String[] {"mqtt"} : alpn)
                    .earlyData(true)
                    .build();
            ChannelInitializer<Channel> codec = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new QuicClientCodecBuilder()
                            // The session cache is keyed by host and port: resumption needs both.
                            .sslEngineProvider(q -> ssl.newEngine(q.alloc(), "localhost",
                                    q.remoteSocketAddress() instanceof InetSocketAddress a ? a.getPort() : 0))
                            .maxIdleTimeout(60, TimeUnit.SECONDS)
                            .initialMaxData(4 * 1024 * 1024)
                            .initialMaxStreamDataBidirectionalLocal(1024 * 1024)
                            .initialMaxStreamDataBidirectionalRemote(1024 * 1024)
                            .initialMaxStreamsBidirectional(1)
                            .build());
                }
            };
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec);
            for (int i = 0; i < sockets; i++) {
                this.sockets.add(bootstrap.bind("127.0.0.1", 0).sync().channel());
            }
        }

        Context(Path trusted) throws Exception {
            this(trusted, 1);
        }

        Channel nextSocket() {
            return sockets.get(Math.floorMod(next.getAndIncrement(), sockets.size()));
        }

        @Override
        public void close() {
            sockets.forEach(s -> s.close().syncUninterruptibly());
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    final MqttConnectMessage connect;
    final CompletableFuture<MqttConnAckMessage> connack = new CompletableFuture<>();
    /** The control stream (the first bidirectional one): CONNECT, and everything in single-stream mode. */
    final StreamEnd control = new StreamEnd(connack, null);
    final BlockingQueue<Received> inbox = control.inbox;
    /** Every packet the broker sent on the control stream, in order (PUBLISH included), for tests of the wire. */
    final BlockingQueue<MqttMessage> packets = control.packets;
    final CompletableFuture<QuicChannel> quic = new CompletableFuture<>();
    /** Completes when the MQTT stream is closed, by either side. */
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicInteger connectsSent = new AtomicInteger();
    private volatile boolean connectInEarlyData;
    /** A QoS 1 PUBLISH written with CONNECT, in the same flight (0-RTT when CONNECT is), or null. */
    private volatile MqttPublishMessage withConnect;
    /** The PUBACK of {@link #withConnect}; null without it. */
    volatile CompletableFuture<MqttMessage> withConnectAck;

    private QuicMqttClient(MqttConnectMessage connect) {
        this.connect = connect;
    }

    /** As {@link #start}, with a QoS 1 PUBLISH sent right behind CONNECT, in the same flight. */
    static QuicMqttClient startWithPublish(Context context, InetSocketAddress server, MqttConnectMessage connect,
                                           String topic, String payload) {
        QuicMqttClient client = new QuicMqttClient(connect);
        int id = client.control.nextPacketId();
        client.withConnectAck = client.control.expect(id);
        client.withConnect = MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).messageId(id)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
        return start(client, context, server);
    }

    /**
     * Opens a QUIC connection to server and sends CONNECT on its first bidirectional stream: in 0-RTT early data
     * when the context holds a session ticket for server, after the handshake otherwise. Returns at once;
     * {@link #connack} completes with the broker's answer.
     */
    static QuicMqttClient start(Context context, InetSocketAddress server, MqttConnectMessage connect) {
        return start(new QuicMqttClient(connect), context, server);
    }

    private static QuicMqttClient start(QuicMqttClient client, Context context, InetSocketAddress server) {
        QuicChannel.newBootstrap(context.nextSocket())
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof SslEarlyDataReadyEvent) {
                            client.connectInEarlyData = true;
                            // Later on the loop, not in the event: Netty fires it inside its own send, where a
                            // write is queued in quiche and would leave only after the handshake, as 1-RTT.
                            ctx.channel().eventLoop().execute(() -> client.openStream((QuicChannel) ctx.channel()));
                        }
                        ctx.fireUserEventTriggered(evt);
                    }

                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        client.openStream((QuicChannel) ctx.channel());
                        ctx.fireChannelActive();
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        client.closed.complete(null);
                        client.connack.completeExceptionally(new IllegalStateException("QUIC connection closed"));
                        ctx.fireChannelInactive();
                    }
                })
                .streamHandler(new ChannelInboundHandlerAdapter())
                .remoteAddress(server)
                .connect()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        client.quic.complete((QuicChannel) f.getNow());
                    } else {
                        client.quic.completeExceptionally(f.cause());
                        client.connack.completeExceptionally(f.cause());
                        client.closed.complete(null);
                    }
                });
        return client;
    }

    /** As {@link #start}, then waits for CONNACK (of any reason code). */
    static QuicMqttClient connect(Context context, InetSocketAddress server, MqttConnectMessage connect)
            throws Exception {
        QuicMqttClient client = start(context, server, connect);
        client.connack.get(20, TimeUnit.SECONDS);
        return client;
    }

    static MqttConnectMessage connectMessage(String clientId, MqttVersion version) {
        return MqttMessageBuilders.connect().clientId(clientId).protocolVersion(version).cleanSession(true)
                .keepAlive(60).build();
    }

    /** On the event loop; the first call opens the stream and sends CONNECT, later calls do nothing. */
    private void openStream(QuicChannel channel) {
        if (control.channel != null || connectsSent.get() > 0) {
            return;
        }
        connectsSent.incrementAndGet();
        control.open(channel).addListener(f -> {
            if (!f.isSuccess()) {
                connack.completeExceptionally(f.cause());
                return;
            }
            QuicStreamChannel stream = control.channel;
            stream.closeFuture().addListener(c -> closed.complete(null));
            MqttPublishMessage publish = withConnect;
            if (publish == null) {
                stream.writeAndFlush(connect);
            } else {
                stream.write(connect);
                stream.writeAndFlush(publish);
            }
        });
    }

    /**
     * Opens another bidirectional stream of this connection: a data stream in multi-stream mode, with packet ids,
     * acknowledgements and arrivals of its own. Fails as QUIC refuses it (over the broker's stream limit).
     */
    StreamEnd openDataStream() throws Exception {
        StreamEnd data = new StreamEnd(null, MqttVersion.fromProtocolNameAndLevel(connect.variableHeader().name(),
                (byte) connect.variableHeader().version()));
        data.open(quic.get(10, TimeUnit.SECONDS)).sync();
        return data;
    }

    /** Subscribes on the control stream and waits for SUBACK; returns the reason codes the broker granted. */
    List<Integer> subscribe(String filter, int qos) throws Exception {
        return control.subscribe(filter, qos);
    }

    /** Publishes on the control stream; for QoS 1 the future completes with the PUBACK, else at once with null. */
    CompletableFuture<MqttMessage> publish(String topic, String payload, int qos, boolean retain) {
        return control.publish(topic, payload, qos, retain);
    }

    CompletableFuture<MqttMessage> publish(String topic, String payload, int qos) {
        return control.publish(topic, payload, qos, false);
    }

    /** The next PUBLISH that arrives on the control stream, or null after timeoutMillis. */
    Received next(long timeoutMillis) throws InterruptedException {
        return control.next(timeoutMillis);
    }

    /** The first packet of the given type the broker sends on the control stream from now on, or null. */
    MqttMessage awaitPacket(MqttMessageType type, long timeoutMillis) throws InterruptedException {
        return control.awaitPacket(type, timeoutMillis);
    }

    /** Bytes as they are on the control stream, past the MQTT encoder: for what no well-behaved client sends. */
    void writeRaw(byte[] bytes) {
        control.writeRaw(bytes);
    }

    /** True when this connection's CONNECT went out in 0-RTT early data. */
    boolean connectInEarlyData() {
        return connectInEarlyData;
    }

    /** How many CONNECT packets this client sent (one per connection: migration must not need another). */
    int connectsSent() {
        return connectsSent.get();
    }

    /**
     * Whether the TLS handshake resumed a session from a ticket. Netty has no public accessor for it in 4.2.18
     * (QuicheQuicSslEngine.isSessionReused is package-private), hence reflection, in test code only.
     */
    boolean sessionReused() throws Exception {
        Object engine = quic.get(10, TimeUnit.SECONDS).sslEngine();
        Method reused = engine.getClass().getDeclaredMethod("isSessionReused");
        reused.setAccessible(true);
        return (Boolean) reused.invoke(engine);
    }

    /** Sends DISCONNECT and closes the stream (which closes the QUIC connection). */
    void disconnect() throws Exception {
        QuicStreamChannel s = control.channel;
        if (s != null && s.isActive()) {
            MqttMessage disconnect = connect.variableHeader().version() == 5
                    ? MqttMessageBuilders.disconnect().build()
                    : new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE,
                    false, 0));
            s.writeAndFlush(disconnect).sync();
        }
        close();
    }

    @Override
    public void close() {
        QuicChannel channel = quic.isDone() && !quic.isCompletedExceptionally() ? quic.getNow(null) : null;
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** One bidirectional stream's MQTT exchange: its packet ids, acknowledgements and the messages it received. */
    static final class StreamEnd {
        final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        /** Every packet the broker sent on this stream, in order (PUBLISH included). */
        final BlockingQueue<MqttMessage> packets = new LinkedBlockingQueue<>();
        /** Completes when the broker ended its side of the stream (FIN or reset), or the stream or connection closed. */
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final Map<Integer, CompletableFuture<MqttMessage>> acks = new ConcurrentHashMap<>();
        private final AtomicInteger packetIds = new AtomicInteger();
        /** The control stream's CONNACK; null on a data stream. */
        private final CompletableFuture<MqttConnAckMessage> connack;
        /** A data stream's MQTT version (its CONNECT went on the control stream); null on the control stream. */
        private final MqttVersion version;
        volatile QuicStreamChannel channel;

        private StreamEnd(CompletableFuture<MqttConnAckMessage> connack, MqttVersion version) {
            this.connack = connack;
            this.version = version;
        }

        private io.netty.util.concurrent.Future<QuicStreamChannel> open(QuicChannel quic) {
            return quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
                @Override
                protected void initChannel(QuicStreamChannel ch) {
                    channel = ch;
                    if (version != null) {
                        // Netty's MQTT codec speaks 5.0 on a channel only when this attribute says so; on the
                        // control stream the encoder sets it as it writes CONNECT, a data stream writes none.
                        ch.attr(MQTT_VERSION).set(version);
                    }
                    ch.closeFuture().addListener(c -> closed.complete(null));
                    ch.pipeline().addLast(new MqttDecoder(1024 * 1024), MqttEncoder.INSTANCE, new Inbound());
                }
            });
        }

        /** Subscribes and waits for SUBACK; returns the reason codes the broker granted. */
        List<Integer> subscribe(String filter, int qos) throws Exception {
            int id = nextPacketId();
            CompletableFuture<MqttMessage> ack = expect(id);
            channel.writeAndFlush(MqttMessageBuilders.subscribe().messageId(id)
                    .addSubscription(MqttQoS.valueOf(qos), filter).build());
            MqttSubAckMessage suback = (MqttSubAckMessage) ack.get(10, TimeUnit.SECONDS);
            return suback.payload().reasonCodes();
        }

        /** Sends a PUBLISH; for QoS 1 the future completes with the PUBACK, for QoS 0 and 2 at once with null. */
        CompletableFuture<MqttMessage> publish(String topic, String payload, int qos, boolean retain) {
            int id = qos == 0 ? 0 : nextPacketId();
            CompletableFuture<MqttMessage> ack = qos == 1 ? expect(id) : CompletableFuture.completedFuture(null);
            MqttPublishMessage message = MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos))
                    .retained(retain).messageId(id)
                    .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
            channel.writeAndFlush(message);
            return ack;
        }

        CompletableFuture<MqttMessage> publish(String topic, String payload, int qos) {
            return publish(topic, payload, qos, false);
        }

        /** The next PUBLISH that arrives, or null after timeoutMillis. */
        Received next(long timeoutMillis) throws InterruptedException {
            return inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        }

        /** The first packet of the given type the broker sends from now on (earlier ones are skipped), or null. */
        MqttMessage awaitPacket(MqttMessageType type, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            for (long left = timeoutMillis; left > 0;
                 left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                MqttMessage m = packets.poll(left, TimeUnit.MILLISECONDS);
                if (m != null && m.fixedHeader().messageType() == type) {
                    return m;
                }
            }
            return null;
        }

        /** Bytes as they are, past the MQTT encoder. */
        void writeRaw(byte[] bytes) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }

        /** Stops (false) or resumes (true) reading the stream: what the broker sends waits in QUIC flow control. */
        void reading(boolean on) {
            channel.config().setAutoRead(on);
        }

        /** Sends PINGREQ and waits for the PINGRESP. */
        void ping() throws Exception {
            channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
                    MqttQoS.AT_MOST_ONCE, false, 0)));
            if (awaitPacket(MqttMessageType.PINGRESP, 10_000) == null) {
                throw new IllegalStateException("no PINGRESP");
            }
        }

        /** Resets the stream (RESET_STREAM and STOP_SENDING with this application error code). */
        void reset(int errorCode) {
            channel.shutdown(errorCode).syncUninterruptibly();
        }

        CompletableFuture<MqttMessage> expect(int packetId) {
            CompletableFuture<MqttMessage> ack = new CompletableFuture<>();
            acks.put(packetId, ack);
            return ack;
        }

        int nextPacketId() {
            return packetIds.updateAndGet(i -> i >= 65535 ? 1 : i + 1);
        }

        private final class Inbound extends ChannelInboundHandlerAdapter {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownReadComplete) {
                    closed.complete(null);
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (!(msg instanceof MqttMessage m) || m.decoderResult().isFailure()) {
                        return;
                    }
                    switch (m.fixedHeader().messageType()) {
                        case CONNACK -> {
                            if (connack != null) {
                                connack.complete((MqttConnAckMessage) m);
                            }
                        }
                        case PUBLISH -> received(ctx, (MqttPublishMessage) m);
                        case PUBACK, SUBACK, UNSUBACK -> {
                            Object header = m.variableHeader();
                            int id = header instanceof MqttPubReplyMessageVariableHeader r ? r.messageId()
                                    : ((MqttMessageIdVariableHeader) header).messageId();
                            CompletableFuture<MqttMessage> ack = acks.remove(id);
                            if (ack != null) {
                                ack.complete(m);
                            }
                        }
                        default -> {
                        }
                    }
                    if (!(m instanceof MqttPublishMessage)) {
                        packets.add(m);
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            private void received(ChannelHandlerContext ctx, MqttPublishMessage publish) {
                ByteBuf payload = publish.payload();
                int qos = publish.fixedHeader().qosLevel().value();
                inbox.add(new Received(publish.variableHeader().topicName(), ByteBufUtil.getBytes(payload), qos,
                        publish.fixedHeader().isDup(), publish.variableHeader().properties()));
                packets.add(new MqttMessage(publish.fixedHeader(), publish.variableHeader()));
                if (qos == 1) {
                    ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId())
                            .build());
                }
            }
        }
    }

    static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}

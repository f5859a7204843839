package io.ternmq.server.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.ternmq.auth.device.DeviceRegistry;
import io.ternmq.config.ApiConfig;
import io.ternmq.config.BrokerConfig;
import io.ternmq.core.session.DevicePresence;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import io.ternmq.core.trace.MessageTrace;
import io.ternmq.server.rrpc.Rrpc;
import io.ternmq.tls.ReloadableTlsContext;
import io.ternmq.transport.tcp.NettyEventLoops;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP admin API ({@code listeners.http-port}, 18083 by default): {@code /health}, {@code /metrics} and the
 * {@code /api/v1/...} endpoints of docs/api.md, on the broker's own event loops, HTTP/1.1 with keep-alive, HTTPS
 * with the broker's certificate when {@code listeners.http-tls} is on. Every request is bounded: the request
 * line (4 KiB) and headers (8 KiB), the body ({@code api.max-body-bytes}, else 413), the time to send it
 * ({@value #REQUEST_SECONDS} s from the last request or the accept), and the connections ({@value #MAX_CONNECTIONS},
 * {@value #MAX_CONNECTIONS_PER_ADDRESS} from one address; the next are closed at accept).
 */
public final class AdminApi implements AutoCloseable {

    public enum State { STARTING, READY, DRAINING }

    static final int MAX_CONNECTIONS = 2048;
    /** Enough for a business server with 1,000 RRPC calls waiting at once, one connection each. */
    static final int MAX_CONNECTIONS_PER_ADDRESS = 1024;
    /** Each connection must deliver a whole request within this many seconds of the last (or of its accept). */
    static final int REQUEST_SECONDS = 30;
    /** Lists of sessions waiting for the API's thread; beyond this a list call is a 503. */
    static final int MAX_WAITING_LISTS = 64;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    /** The endpoints over the engine. */
    private record Parts(SessionsApi sessions, PublishApi publish, TraceApi trace, DevicesApi devices,
                         RrpcApi rrpc) {
    }

    /** The device registry, the devices' live connections and RRPC, for the device endpoints. */
    public record Devices(DeviceRegistry registry, DevicePresence presence, Rrpc rrpc) {
    }

    record Health(String status) {
    }

    record Stats(String version, Instant startedAt, long uptimeSeconds, Map<String, String> listeners,
                 List<MeterValue> metrics) {
    }

    record MeterValue(String name, Map<String, String> tags, Map<String, Double> values) {
    }

    private final ApiConfig config;
    private final NettyEventLoops loops;
    private final ReloadableTlsContext tls;
    private final BrokerMeters meters;
    private final List<Route> routes;
    private final AdminToken token;
    private final FailedLogins failedLogins = new FailedLogins();
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Instant startedAt = Instant.now();
    private volatile State state = State.STARTING;
    private volatile Supplier<Map<String, String>> listeners = Map::of;
    private final String version;
    private final ExecutorService lists;
    private Channel serverChannel;

    private AdminApi(ApiConfig config, NettyEventLoops loops, ReloadableTlsContext tls, BrokerMeters meters,
                     AdminToken token, Parts parts, String version, ExecutorService lists) {
        this.config = config;
        this.lists = lists;
        this.loops = loops;
        this.tls = tls;
        this.meters = meters;
        this.token = token;
        this.version = version;
        List<Route> all = new ArrayList<>();
        all.add(new Route(HttpMethod.GET, "/health", false, r -> done(health())));
        all.add(new Route(HttpMethod.GET, "/metrics", config.metricsAuth(),
                r -> done(ApiResponse.text(meters.scrape(), PROMETHEUS_TEXT))));
        all.add(new Route(HttpMethod.GET, "/api/v1/stats", true, r -> done(ApiResponse.ok(stats()))));
        all.addAll(parts.sessions().routes());
        all.addAll(parts.publish().routes());
        all.addAll(parts.trace().routes());
        all.addAll(parts.devices().routes());
        all.addAll(parts.rrpc().routes());
        all.addAll(new ConsoleFiles().routes());
        this.routes = List.copyOf(all);
        meters.bindApi(failedLogins, parts.publish().published);
    }

    /**
     * Reads (or generates) the admin token and builds the endpoints over the engine's parts; the listener is
     * bound by {@link #bind}.
     *
     * @param tls the broker's certificate, for HTTPS; null unless {@code listeners.http-tls} is on
     */
    public static AdminApi create(BrokerConfig config, NettyEventLoops loops, ReloadableTlsContext tls,
                                  BrokerMeters meters, SessionRegistry registry, TopicTrie<Subscriber> trie,
                                  Router router, PlatformPolicy policy, MessageTrace trace, BrokerMetrics metrics,
                                  Devices devices, String version) {
        AdminToken token = AdminToken.load(config.api().tokenFile().orElse(null), config.dataDir());
        ThreadPoolExecutor lists = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_WAITING_LISTS), new DefaultThreadFactory("ternmq-api", true));
        Parts parts = new Parts(new SessionsApi(registry, trie, config.limits().maxTopicLength(), lists),
                new PublishApi(policy, router, metrics), new TraceApi(trace, config.log().trace()),
                new DevicesApi(devices.registry(), devices.presence(), lists),
                new RrpcApi(devices.rrpc(), devices.registry(), lists, config.limits().maxTopicLength()));
        return new AdminApi(config.api(), loops, tls, meters, token, parts, version, lists);
    }

    /** Binds and starts serving; exclusive like the MQTT listeners. Returns the bound address. */
    public InetSocketAddress bind(String host, int port) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptors(), loops.workers())
                .channel(loops.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        InetAddress from = ((InetSocketAddress) ch.remoteAddress()).getAddress();
                        AtomicInteger mine = perAddress.computeIfAbsent(from, a -> new AtomicInteger());
                        if (open.incrementAndGet() > MAX_CONNECTIONS
                                || mine.incrementAndGet() > MAX_CONNECTIONS_PER_ADDRESS) {
                            release(from, mine);
                            ch.close();
                            return;
                        }
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> release(from, mine));
                        ChannelPipeline p = ch.pipeline();
                        if (tls != null) {
                            p.addLast("tls", tls.current().newHandler(ch.alloc()));
                        }
                        p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
                        // gzip for a client that asks (browsers, Prometheus); the console's page and /metrics
                        // shrink about 4 times
                        p.addLast("gzip", new HttpContentCompressor(1024, StandardCompressionOptions.gzip()));
                        p.addLast("body-limit", new BodyLimit(config.maxBodyBytes(), config.maxImportBytes(), token));
                        p.addLast(BodyLimit.AGGREGATOR, new BoundedAggregator(config.maxBodyBytes()));
                        // After the aggregator it sees whole requests only: a client trickling one slowly is
                        // closed like an idle one.
                        p.addLast("deadline", new ReadTimeoutHandler(REQUEST_SECONDS));
                        p.addLast("api", new ApiHandler(routes, token, failedLogins, () -> state == State.READY));
                    }
                });
        serverChannel = bootstrap.bind(host, port).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    private void release(InetAddress from, AtomicInteger mine) {
        open.decrementAndGet();
        if (mine.decrementAndGet() <= 0) {
            perAddress.remove(from, mine);
        }
    }

    /** Logs the listener's line, once every listener of the broker is bound. */
    public void announce() {
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("admin API listening on {}://{}:{} (/health, /metrics{}, /api/v1 with the admin token)",
                tls != null ? "https" : "http", bound.getHostString(), bound.getPort(),
                config.metricsAuth() ? " with the admin token" : "");
    }

    /** Every operation served, as "GET /api/v1/clients/{clientId}": the paths of docs/openapi.yaml. */
    public List<String> routeTable() {
        return routes.stream().filter(r -> !ConsoleFiles.isConsole(r.template()))
                .map(r -> r.method().name() + " " + r.template()).toList();
    }

    /** READY once every listener is up; DRAINING from the start of a shutdown ({@code /health} then says 503). */
    public void state(State state) {
        this.state = state;
    }

    /** The broker's listeners for {@code /api/v1/stats}: name to bound address. */
    public void listeners(Supplier<Map<String, String>> listeners) {
        this.listeners = listeners;
    }

    private ApiResponse health() {
        State s = state;
        return s == State.READY ? ApiResponse.ok(new Health("up"))
                : ApiResponse.of(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        new Health(s.name().toLowerCase(Locale.ROOT)));
    }

    private Stats stats() {
        List<MeterValue> values = new ArrayList<>();
        for (Meter meter : meters.registry().getMeters()) {
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag t : meter.getId().getTags()) {
                tags.put(t.getKey(), t.getValue());
            }
            Map<String, Double> v = new LinkedHashMap<>();
            for (Measurement m : meter.measure()) {
                double value = m.getValue();
                v.put(m.getStatistic().getTagValueRepresentation(), Double.isFinite(value) ? value : null);
            }
            values.add(new MeterValue(meter.getId().getName(), tags, v));
        }
        values.sort((a, b) -> a.name().equals(b.name()) ? a.tags().toString().compareTo(b.tags().toString())
                : a.name().compareTo(b.name()));
        return new Stats(version, startedAt, Duration.between(startedAt, Instant.now()).toSeconds(),
                listeners.get(), values);
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** Stops accepting and closes the open API connections. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        lists.shutdownNow();
    }

    /**
     * Picks each request's body bound before the aggregator sees it: {@code api.max-import-bytes} for a device
     * import that carries the admin token, {@code api.max-body-bytes} for everything else (so nobody without the
     * token can make the broker buffer more). Between requests the aggregator holds nothing, so it is swapped.
     */
    private static final class BodyLimit extends ChannelInboundHandlerAdapter {

        static final String AGGREGATOR = "aggregator";

        private final int normal;
        private final int imports;
        private final AdminToken token;
        private int current;

        BodyLimit(int normal, int imports, AdminToken token) {
            this.normal = normal;
            this.imports = imports;
            this.token = token;
            this.current = normal;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                boolean importing = request.method() == HttpMethod.POST
                        && ApiHandler.rawPath(request.uri()).endsWith("/devices" + DevicesApi.IMPORT_PATH)
                        && token.matches(ApiHandler.bearer(request.headers().get(HttpHeaderNames.AUTHORIZATION)));
                int want = importing ? imports : normal;
                if (want != current) {
                    ctx.pipeline().replace(AGGREGATOR, AGGREGATOR, new BoundedAggregator(want));
                    current = want;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** HttpObjectAggregator whose 413 is the API's JSON error, audited, and closes the connection. */
    private static final class BoundedAggregator extends HttpObjectAggregator {

        private final int max;

        BoundedAggregator(int max) {
            super(max, true); // a refused Expect: 100-continue closes the connection
            this.max = max;
        }

        /** Expect: 100-continue with a declared body over the bound: the API's JSON 413, audited, then the close. */
        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
            if (answer instanceof FullHttpResponse plain && plain.status().code() >= 400) {
                plain.release();
                FullHttpResponse response = tooLarge(plain.status());
                if (start instanceof HttpRequest request) {
                    ChannelHandlerContext ctx = pipeline.context(this);
                    ApiHandler.audit(ctx, request.method(), ApiHandler.rawPath(request.uri()),
                            response.status().code());
                }
                return response;
            }
            return answer;
        }

        private FullHttpResponse tooLarge(HttpResponseStatus status) {
            boolean expectation = status.code() == 417;
            FullHttpResponse response = ApiHandler.error(new ApiException(status,
                    expectation ? "bad-request" : "body-too-large", expectation ? "Expect" : "body",
                    expectation ? "only Expect: 100-continue is understood"
                            : "the request body is larger than api.max-body-bytes (" + max + " bytes)"));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return response;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            FullHttpResponse response = tooLarge(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            if (oversized instanceof HttpRequest request) {
                ApiHandler.audit(ctx, request.method(), ApiHandler.rawPath(request.uri()), 413);
            }
            GentleClose.answerAndClose(ctx, response);
        }
    }
}

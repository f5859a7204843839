package io.ternmq.server.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.concurrent.EventExecutorGroup;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.Rule;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import io.ternmq.core.trace.MessageTrace;
import io.ternmq.store.DurableSessionStore;
import io.ternmq.transport.quic.QuicStats;
import io.ternmq.transport.tcp.tls.TlsFront;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import io.ternmq.core.session.DevicePresence;
import io.ternmq.server.rrpc.Rrpc;
import java.util.function.IntSupplier;

/**
 * The broker's meters in Micrometer's Prometheus registry, for {@code /metrics} and {@code /api/v1/stats}. The
 * engine keeps its own counters ({@link BrokerMetrics}, updated on the hot path at the cost of a LongAdder); this
 * registry reads them when scraped, so an unscraped broker pays nothing for it (the PUBACK latency timer, the one
 * meter written as messages flow, is only given to the engine while the admin API is on). Every name starts with
 * {@code ternmq_} (JVM and Netty meters included) and counters end in {@code _total}; the list is in docs/api.md.
 */
public final class BrokerMeters implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer pubAckLatency;

    public BrokerMeters() {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith("ternmq.") ? id : id.withName("ternmq." + id.getName());
            }
        });
        pubAckLatency = Timer.builder("ternmq.puback.latency")
                .description("time from a QoS 1 PUBLISH's arrival to its PUBACK (the store's sync included)")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1))
                .register(registry);
    }

    /** Where the engine records PUBACK latency; given to {@link BrokerMetrics} before the engine exists. */
    public BrokerMetrics.Latency pubAckLatency() {
        return nanos -> pubAckLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The engine's counters and gauges. */
    public void bindEngine(BrokerMetrics m, SessionRegistry sessions, TopicTrie<Subscriber> trie) {
        counter("ternmq.connections.accepted", "CONNECTs accepted", m.connectionsAccepted, Tags.empty());
        counter("ternmq.connections.refused", "CONNECTs refused (a CONNACK with an error)", m.connectionsRefused,
                Tags.empty());
        counter("ternmq.connections.over.limit", "connections closed at accept: limits.max-connections",
                m.connectionsOverLimit, Tags.empty());
        counter("ternmq.authentication.failures", "CONNECTs refused for bad credentials or not authorized",
                m.authenticationFailures, Tags.empty());
        counter("ternmq.protocol.violations", "connections closed for a protocol violation", m.protocolViolations,
                Tags.empty());
        for (int qos = 0; qos <= 1; qos++) {
            counter("ternmq.messages.received", "PUBLISH packets accepted from clients", m.publishesReceived[qos],
                    Tags.of("qos", Integer.toString(qos)));
            counter("ternmq.messages.sent", "PUBLISH packets written to subscribers (first sends)",
                    m.messagesDelivered[qos], Tags.of("qos", Integer.toString(qos)));
        }
        FunctionCounter.builder("ternmq.network.received", m.bytesIn, LongAdder::sum).baseUnit("bytes")
                .description("MQTT bytes read from clients").register(registry);
        FunctionCounter.builder("ternmq.network.sent", m.bytesOut, LongAdder::sum).baseUnit("bytes")
                .description("MQTT bytes written to clients").register(registry);
        dropped(m.droppedQueueFull, "queue-full");
        dropped(m.droppedOffline, "offline-qos0");
        dropped(m.droppedOwnerBusy, "owner-busy");
        dropped(m.droppedExpired, "expired");
        dropped(m.droppedTooLargeForClient, "too-large-for-client");
        dropped(m.droppedNoShareMember, "no-share-member");
        dropped(m.droppedPlatformRule, "platform-rule");
        counter("ternmq.messages.refused", "QoS 1 messages refused at the publisher", m.refusedStoreFull,
                Tags.of("reason", "store-full"));
        for (Rule rule : Rule.values()) {
            FunctionCounter.builder("ternmq.rule.refusals", m, x -> x.refusals(rule))
                    .description("packets that broke a platform rule (refused or not delivered)")
                    .tags("rule", rule.label()).register(registry);
        }
        counter("ternmq.shared.passed.over", "shared messages given to another member, the one in turn being behind",
                m.sharedPassedOver, Tags.empty());
        counter("ternmq.sessions.expired", "sessions ended by their expiry interval", m.sessionsExpired, Tags.empty());
        counter("ternmq.sessions.taken.over", "connections closed by a CONNECT with their client id",
                m.sessionsTakenOver, Tags.empty());
        for (String transport : BrokerMetrics.TRANSPORTS) {
            for (int level : BrokerMetrics.LEVELS) {
                Gauge.builder("ternmq.connections", m, x -> x.connectionsOpen(transport, level))
                        .description("connections open after CONNECT")
                        .tags("transport", transport, "protocol", MessageTrace.versionName(level)).register(registry);
            }
        }
        // Every open connection is bound to a session: what a scrape costs does not grow with the fleet.
        Gauge.builder("ternmq.sessions", m, BrokerMeters::online).tags("state", "online")
                .description("sessions with a connection").register(registry);
        Gauge.builder("ternmq.sessions", sessions, r -> Math.max(0, r.size() - online(m))).tags("state", "offline")
                .description("persistent sessions waiting for their client").register(registry);
        Gauge.builder("ternmq.subscriptions", trie, TopicTrie::size).description("subscriptions, shared included")
                .register(registry);
        counter("ternmq.sign.ins.busy", "CONNECTs refused with 0x89 / 0x03: the sign-in queue was full (auth.max-pending)",
                m.signInsBusy, Tags.empty());
        counter("ternmq.publishes.denied", "PUBLISHes the client may not make (its device rule or the ACL file)",
                m.publishesDenied, Tags.empty());
        counter("ternmq.subscriptions.denied", "SUBSCRIBE filters the client may not use", m.subscriptionsDenied,
                Tags.empty());
        counter("ternmq.deliveries.denied", "messages an ACL read rule kept from a subscriber", m.deliveriesDenied,
                Tags.empty());
    }

    /** Devices online, sign-ins waiting, RRPC. */
    public void bindAccess(DevicePresence presence, IntSupplier signInsWaiting, LongAdder recordsDropped, Rrpc rrpc) {
        Gauge.builder("ternmq.devices.online", presence, DevicePresence::online)
                .description("devices with a live connection").register(registry);
        FunctionCounter.builder("ternmq.devices.taken.over", presence, DevicePresence::takenOver)
                .description("device connections closed by a sign-in of the same device").register(registry);
        // A method reference lives only as long as someone holds it: the gauge must, or it reads NaN after a GC.
        Gauge.builder("ternmq.sign.ins.waiting", signInsWaiting, IntSupplier::getAsInt).strongReference(true)
                .description("sign-ins waiting for a sign-in thread").register(registry);
        counter("ternmq.devices.records.dropped", "last-online records not written: the registry's queue was full",
                recordsDropped, Tags.empty());
        Gauge.builder("ternmq.rrpc.waiting", rrpc, Rrpc::waiting).description("RRPC calls waiting for their device")
                .register(registry);
        counter("ternmq.rrpc.calls", "RRPC calls made", rrpc.calls, Tags.empty());
        counter("ternmq.rrpc.refused", "RRPC calls refused with 429 (api.rrpc-max-pending)", rrpc.refused,
                Tags.empty());
        counter("ternmq.rrpc.late", "RRPC responses nobody waited for (late, unknown or from another client): dropped",
                rrpc.late, Tags.empty());
    }

    /** The session store's size and syncs, when sessions are kept in RocksDB. */
    public void bindStore(DurableSessionStore store) {
        Gauge.builder("ternmq.store.messages", store, DurableSessionStore::bytes).baseUnit("bytes")
                .description("bytes of messages the store holds for persistent sessions").register(registry);
        Gauge.builder("ternmq.store.files", store, DurableSessionStore::fileBytes).baseUnit("bytes")
                .description("the store's files on disk at the last measurement").register(registry);
        FunctionTimer.builder("ternmq.store.sync", store, DurableSessionStore::syncCount,
                        DurableSessionStore::syncNanos, TimeUnit.NANOSECONDS)
                .description("fsyncs of the store's write-ahead log").register(registry);
    }

    public void bindTls(TlsFront tls) {
        FunctionCounter.builder("ternmq.tls.handshakes", tls, TlsFront::handshakesCompleted).tags("result", "ok")
                .description("TLS handshakes of MQTT over TLS").register(registry);
        FunctionCounter.builder("ternmq.tls.handshakes", tls, TlsFront::handshakesFailed).tags("result", "failed")
                .description("TLS handshakes of MQTT over TLS").register(registry);
    }

    public void bindQuic(QuicStats quic) {
        FunctionCounter.builder("ternmq.quic.handshakes", quic, QuicStats::handshakesCompleted).tags("result", "ok")
                .description("QUIC handshakes").register(registry);
        FunctionCounter.builder("ternmq.quic.handshakes", quic, QuicStats::handshakesFailed)
                .tags("result", "failed").description("QUIC handshakes").register(registry);
        Gauge.builder("ternmq.quic.connections", quic, QuicStats::openConnections)
                .description("QUIC connections open, handshakes included").register(registry);
        FunctionCounter.builder("ternmq.quic.migrations", quic, QuicStats::migrations)
                .description("QUIC connections that moved to a new client address or port").register(registry);
        FunctionCounter.builder("ternmq.quic.refused", quic, QuicStats::refusedConnections).tags("what", "connection")
                .description("QUIC connections and streams refused by the limits").register(registry);
        FunctionCounter.builder("ternmq.quic.refused", quic, QuicStats::refusedStreams).tags("what", "stream")
                .description("QUIC connections and streams refused by the limits").register(registry);
        FunctionCounter.builder("ternmq.quic.data.streams", quic, QuicStats::dataStreams)
                .description("QUIC data streams opened (multi-stream mode)").register(registry);
        FunctionCounter.builder("ternmq.quic.handshake.timeouts", quic, QuicStats::handshakeTimeouts)
                .description("QUIC handshakes that did not complete within quic.handshake-timeout").register(registry);
        FunctionCounter.builder("ternmq.quic.early.data", quic, QuicStats::earlyDataStreams).tags("what", "stream")
                .description("MQTT streams that arrived in 0-RTT early data, and CONNECTs acted on in it")
                .register(registry);
        FunctionCounter.builder("ternmq.quic.early.data", quic, QuicStats::earlyDataConnects).tags("what", "connect")
                .description("MQTT streams that arrived in 0-RTT early data, and CONNECTs acted on in it")
                .register(registry);
    }

    void bindApi(FailedLogins failedLogins, LongAdder published) {
        FunctionCounter.builder("ternmq.api.unauthorized", failedLogins, FailedLogins::total)
                .description("admin API calls refused with 401").register(registry);
        counter("ternmq.api.published", "messages published through the admin API", published, Tags.empty());
    }

    /** The JVM's, the process's and Netty's own meters. */
    public void bindRuntime(EventExecutorGroup loops) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(registry);
        }
        new NettyEventExecutorMetrics(loops).bindTo(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    String scrape() {
        return registry.scrape();
    }

    private void counter(String name, String description, LongAdder adder, Tags tags) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tags(tags).register(registry);
    }

    private void dropped(LongAdder adder, String reason) {
        counter("ternmq.messages.dropped", "messages the broker dropped, by why", adder, Tags.of("reason", reason));
    }

    private static double online(BrokerMetrics m) {
        long n = 0;
        for (String transport : BrokerMetrics.TRANSPORTS) {
            for (int level : BrokerMetrics.LEVELS) {
                n += m.connectionsOpen(transport, level);
            }
        }
        return n;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

package io.ternmq.core.metrics;

import io.ternmq.core.policy.Rule;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's counters. Every drop the broker decides on is counted here, so an operator can tell a lossy
 * subscriber from a lossy broker. Cheap to update from any thread; the admin API reads them as they are (its
 * Prometheus names are in docs/api.md).
 */
public final class BrokerMetrics {

    /** The transports a connection can come over, in the order of {@link #connectionsOpen}. */
    public static final List<String> TRANSPORTS = List.of("tcp", "tls", "quic");
    /** The MQTT protocol levels (3.1, 3.1.1, 5.0), in the order of {@link #connectionsOpen}. */
    public static final List<Integer> LEVELS = List.of(3, 4, 5);

    /** Where a duration is recorded (the admin API's timer); nanoseconds. */
    public interface Latency {
        Latency NONE = nanos -> { };

        void record(long nanos);
    }

    public final LongAdder connectionsAccepted = new LongAdder();
    public final LongAdder connectionsRefused = new LongAdder();
    public final LongAdder connectionsOverLimit = new LongAdder();
    /** CONNECTs refused by the authenticator: bad credentials, not authorized or banned. */
    public final LongAdder authenticationFailures = new LongAdder();
    /** CONNECTs refused with 0x89 Server busy / 0x03 because the sign-in executor's queue was full. */
    public final LongAdder signInsBusy = new LongAdder();
    /** PUBLISHes the client's permissions refused (5.0 QoS 1: PUBACK 0x87); not delivered. */
    public final LongAdder publishesDenied = new LongAdder();
    /** SUBSCRIBE filters the client's permissions refused (SUBACK 0x87 / 0x80). */
    public final LongAdder subscriptionsDenied = new LongAdder();
    /** Messages a subscription matched but an ACL read rule kept from the subscriber. */
    public final LongAdder deliveriesDenied = new LongAdder();
    /** TCP connections moved at CONNECT to the event loop that owns their session. */
    public final LongAdder connectionsMoved = new LongAdder();
    public final LongAdder protocolViolations = new LongAdder();
    /** PUBLISH packets accepted from clients, by QoS (0, 1). */
    public final LongAdder[] publishesReceived = {new LongAdder(), new LongAdder()};
    /** PUBLISH packets written to subscribers (first sends, not resends), by delivered QoS (0, 1). */
    public final LongAdder[] messagesDelivered = {new LongAdder(), new LongAdder()};
    /** MQTT bytes read from and written to client connections (after TLS, before QUIC framing). */
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    /** PUBLISH not delivered because it broke a platform limit (topic length, payload size). */
    public final LongAdder droppedPlatformRule = new LongAdder();
    /** Oldest message dropped because a session's queue was full. */
    public final LongAdder droppedQueueFull = new LongAdder();
    /** QoS 0 message for a session with no live connection. */
    public final LongAdder droppedOffline = new LongAdder();
    /** Message that could not be handed to a session's owner because its task queue was full. */
    public final LongAdder droppedOwnerBusy = new LongAdder();
    /** Queued message whose MQTT 5 Message Expiry Interval passed before it could be sent. */
    public final LongAdder droppedExpired = new LongAdder();
    /** Message larger than the subscriber's own MQTT 5 Maximum Packet Size. */
    public final LongAdder droppedTooLargeForClient = new LongAdder();
    /** Shared-subscription message left by a departed member with no other member to take it. */
    public final LongAdder droppedNoShareMember = new LongAdder();
    /** Shared-subscription message given to another member because the one in turn was behind. */
    public final LongAdder sharedPassedOver = new LongAdder();
    /** Sessions that ended because their Session Expiry Interval passed while offline. */
    public final LongAdder sessionsExpired = new LongAdder();
    /** QoS 1 messages for persistent sessions refused at the publisher: the store held storage.max-bytes. */
    public final LongAdder refusedStoreFull = new LongAdder();
    /** A CONNECT with the client id of a live connection closed that connection (MQTT-3.1.4-2, 5.0 MQTT-3.1.4-3). */
    public final LongAdder sessionsTakenOver = new LongAdder();

    private final LongAdder[] ruleRefusals = new LongAdder[Rule.values().length];
    private final LongAdder[] connectionsOpen = new LongAdder[TRANSPORTS.size() * LEVELS.size()];
    private final Latency pubAckLatency;

    public BrokerMetrics() {
        this(Latency.NONE);
    }

    /** @param pubAckLatency where the time from a QoS 1 PUBLISH's arrival to its PUBACK goes */
    public BrokerMetrics(Latency pubAckLatency) {
        this.pubAckLatency = pubAckLatency;
        for (int i = 0; i < ruleRefusals.length; i++) {
            ruleRefusals[i] = new LongAdder();
        }
        for (int i = 0; i < connectionsOpen.length; i++) {
            connectionsOpen[i] = new LongAdder();
        }
    }

    /** A packet broke this platform rule (refused, or not delivered). */
    public void refused(Rule rule) {
        ruleRefusals[rule.ordinal()].increment();
    }

    public long refusals(Rule rule) {
        return ruleRefusals[rule.ordinal()].sum();
    }

    public long publishesReceived() {
        return publishesReceived[0].sum() + publishesReceived[1].sum();
    }

    public long messagesDelivered() {
        return messagesDelivered[0].sum() + messagesDelivered[1].sum();
    }

    /** A connection completed CONNECT (+1) or went away after it (-1). */
    public void connectionOpen(String transport, int level, int change) {
        int t = TRANSPORTS.indexOf(transport);
        int l = LEVELS.indexOf(level);
        if (t >= 0 && l >= 0) {
            connectionsOpen[t * LEVELS.size() + l].add(change);
        }
    }

    /** Connections that completed CONNECT and are open now, over this transport at this protocol level. */
    public long connectionsOpen(String transport, int level) {
        int t = TRANSPORTS.indexOf(transport);
        int l = LEVELS.indexOf(level);
        return t < 0 || l < 0 ? 0 : connectionsOpen[t * LEVELS.size() + l].sum();
    }

    public Latency pubAckLatency() {
        return pubAckLatency;
    }
}

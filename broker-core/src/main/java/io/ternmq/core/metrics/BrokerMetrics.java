package io.ternmq.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's counters. Every drop the broker decides on is counted here, so an operator can tell a lossy
 * subscriber from a lossy broker. Cheap to update from any thread.
 */
public final class BrokerMetrics {

    public final LongAdder connectionsAccepted = new LongAdder();
    public final LongAdder connectionsRefused = new LongAdder();
    public final LongAdder connectionsOverLimit = new LongAdder();
    /** TCP connections moved at CONNECT to the event loop that owns their session. */
    public final LongAdder connectionsMoved = new LongAdder();
    public final LongAdder protocolViolations = new LongAdder();
    public final LongAdder publishesReceived = new LongAdder();
    public final LongAdder messagesDelivered = new LongAdder();
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

}

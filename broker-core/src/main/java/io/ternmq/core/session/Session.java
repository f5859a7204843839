package io.ternmq.core.session;

import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.metrics.BrokerMetrics;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One client id's session. Every method runs on its {@link SessionOwner}; nothing here is locked.
 *
 * <p>Delivery keeps order: a message goes straight to the socket only when nothing is queued ahead of it, the
 * socket is writable and (QoS 1) the in-flight window has room; otherwise it joins the bounded queue, which
 * drops its oldest entry when full. The queue drains when the socket becomes writable again, when a PUBACK
 * frees a window slot, and when the client reconnects. The window is the smaller of {@code limits.max-inflight}
 * and the client's MQTT 5 Receive Maximum.
 */
public final class Session {

    /** Session Expiry Interval meaning "never" (MQTT 5 0xFFFFFFFF; MQTT 3.x clean session 0). */
    public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    private static final VarHandle BACKLOG;
    private static final VarHandle SHARED_ON_THE_WAY;

    static {
        try {
            BACKLOG = MethodHandles.lookup().findVarHandle(Session.class, "backlog", int.class);
            SHARED_ON_THE_WAY = MethodHandles.lookup().findVarHandle(Session.class, "sharedOnTheWay", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String clientId;
    private final boolean persistent;
    private final SessionOwner owner;
    private final SessionData data;
    private final SessionRegistry registry;
    private final int maxInflight;

    private volatile Connection connection;
    /**
     * Packet ids in flight from an earlier connection that this connection has not been resent yet, because its
     * Receive Maximum is smaller than what was in flight (MQTT-3.3.4-9). Resent, in order, as acks free the window.
     */
    private ArrayDeque<Integer> resendPending; // null while there is none (most sessions, always)
    private long expiryIntervalSeconds;
    /** Counts detaches, so an expiry timer set at one detach cannot end the session after a later resume. */
    private long detachGeneration;
    private int lastPacketId;
    private boolean discarded;
    /**
     * The queue's length as other threads see it: the owner publishes it after each change (a release store, no
     * fence on the delivery path), the {@code Router} reads it to pass over a shared-group member that falls
     * behind. Advisory: what is still on its way to the owner is counted apart, in {@link #sharedOnTheWay}.
     */
    @SuppressWarnings("unused") // through BACKLOG
    private int backlog;
    /**
     * Shared-subscription deliveries handed to this session's owner by a {@code Router} on another thread and not
     * yet taken: without them a burst routed before the owner runs would all see the same short queue.
     */
    @SuppressWarnings("unused") // through SHARED_ON_THE_WAY
    private int sharedOnTheWay;
    /** The pending end of this session while it is offline with a finite expiry; cancelled when it resumes. */
    private java.util.concurrent.ScheduledFuture<?> expiryTimer;

    Session(String clientId, boolean persistent, SessionOwner owner, SessionData data, SessionRegistry registry,
            int maxInflight, long expiryIntervalSeconds) {
        this.clientId = clientId;
        this.persistent = persistent;
        this.owner = owner;
        this.data = data;
        this.registry = registry;
        this.maxInflight = maxInflight;
        this.expiryIntervalSeconds = expiryIntervalSeconds;
    }

    public String clientId() {
        return clientId;
    }

    /** True when its state lives in the {@link SessionStore} (a session that may outlive its connection). */
    public boolean persistent() {
        return persistent;
    }

    public SessionOwner owner() {
        return owner;
    }

    public Connection connection() {
        return connection;
    }

    /** For tests and the admin API: queued (not yet sent) deliveries. */
    public int queued() {
        return data.queueSize();
    }

    /** The queue's length as last published by the owner; any thread may read it, it may lag. */
    private int backlog() {
        return (int) BACKLOG.getOpaque(this);
    }

    /**
     * What waits for this session as a shared-group member: its queue plus the shared deliveries on their way to
     * its owner. Any thread may read it.
     */
    public int sharedLoad() {
        return backlog() + (int) SHARED_ON_THE_WAY.getOpaque(this);
    }

    /** A {@code Router} is about to hand this session a shared delivery. Any thread. */
    public void sharedHandedOver() {
        SHARED_ON_THE_WAY.getAndAdd(this, 1);
    }

    /** A shared delivery counted by {@link #sharedHandedOver} reached the owner, or was never handed over. */
    public void sharedArrived() {
        SHARED_ON_THE_WAY.getAndAdd(this, -1);
    }

    /** For tests and the admin API: QoS 1 deliveries sent and not yet acknowledged. */
    public int inflight() {
        return data.inflightSize();
    }

    /** Filters with their options byte (bits 0-1 QoS, bit 2 No Local). */
    public Map<String, Integer> subscriptions() {
        return data.subscriptions();
    }

    public long expiryIntervalSeconds() {
        return expiryIntervalSeconds;
    }

    /** MQTT 5: the client may change the Session Expiry Interval on DISCONNECT (MQTT-3.14.2-2 is checked by the caller). */
    public void expiryIntervalSeconds(long seconds) {
        this.expiryIntervalSeconds = seconds;
    }

    boolean discarded() {
        return discarded;
    }

    long detachGeneration() {
        return detachGeneration;
    }

    // ---- lifecycle, driven by SessionRegistry ----

    void attach(Connection newConnection) {
        cancelExpiry();
        this.connection = newConnection;
    }

    void expiryTimer(java.util.concurrent.ScheduledFuture<?> timer) {
        cancelExpiry();
        this.expiryTimer = timer;
    }

    private void cancelExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel(false);
            expiryTimer = null;
        }
    }

    /**
     * The client of a resumed session is back: resend unacknowledged QoS 1 with DUP=1 (MQTT-4.4.0-1, same packet
     * ids, in their original order) as far as its Receive Maximum allows, then the queue.
     */
    public void resume() {
        if (connection == null) {
            return;
        }
        resendPending = data.inflightSize() == 0 ? null : new ArrayDeque<>(data.inflight().keySet());
        drain();
        connection.flush();
    }

    void takeOver() {
        if (connection != null) {
            Connection old = connection;
            connection = null;
            old.close(CloseReason.SESSION_TAKEN_OVER);
        }
    }

    /**
     * The connection went away. A session with expiry 0 ends with it; otherwise QoS 1 state stays and the
     * expiry clock starts. Returns the shared-subscription deliveries this session held but had not had
     * acknowledged: they belong to another member of their group now (MQTT 5 4.8.2), the caller reroutes them.
     */
    public List<Delivery> detach(Connection gone) {
        if (connection != gone || discarded) {
            return List.of();
        }
        connection = null;
        resendPending = null;
        detachGeneration++;
        List<Delivery> orphans = takeSharedDeliveries();
        if (expiryIntervalSeconds == 0) {
            registry.end(this);
        } else {
            metrics().droppedOffline.add(data.dropQueuedQos0());
            publishBacklog();
            registry.scheduleExpiry(this);
        }
        return orphans;
    }

    List<Delivery> takeSharedDeliveries() {
        List<Delivery> orphans = new ArrayList<>();
        for (Map.Entry<Integer, Delivery> e : new ArrayList<>(data.inflight().entrySet())) {
            if (e.getValue().shareKey() != null) {
                data.removeInflight(e.getKey());
                orphans.add(e.getValue());
            }
        }
        orphans.addAll(data.removeQueuedIf(d -> d.shareKey() != null));
        publishBacklog();
        return orphans;
    }

    /** Unsubscribes everything and forgets the stored state; the session object is dead afterwards. */
    void discard() {
        discarded = true;
        cancelExpiry();
        for (String filter : new ArrayList<>(data.subscriptions().keySet())) {
            SubscriptionFilter parsed = SubscriptionFilter.parse(filter, Integer.MAX_VALUE);
            if (parsed != null) {
                registry.trie().unsubscribe(parsed.trieFilter(), parsed.trieKey(clientId));
            }
        }
        if (persistent) {
            registry.store().remove(clientId);
        }
    }

    // ---- subscriptions ----

    /** Adds a validated filter at its granted QoS. */
    public void subscribe(SubscriptionFilter filter, int grantedQos, boolean noLocal) {
        if (discarded) {
            return; // a dead session must leave nothing in the trie
        }
        registry.trie().subscribe(filter.trieFilter(), filter.trieKey(clientId),
                new Subscriber(clientId, grantedQos, noLocal, filter.shareGroup() == null ? null : filter.full()));
        data.putSubscription(filter.full(), grantedQos | (noLocal ? 0x04 : 0));
    }

    /** True when subscribing to this filter keeps the session within {@code max} subscriptions. */
    public boolean hasRoomFor(String filter, int max) {
        return data.subscriptions().containsKey(filter) || data.subscriptions().size() < max;
    }

    /** Adds a validated, ordinary filter at its granted QoS. */
    public void subscribe(String filter, int grantedQos) {
        subscribe(new SubscriptionFilter(filter, filter, null), grantedQos, false);
    }

    /** Removes a filter; true if the session had it. */
    public boolean unsubscribe(String filter) {
        if (discarded) {
            return false;
        }
        boolean had = data.subscriptions().containsKey(filter);
        SubscriptionFilter parsed = SubscriptionFilter.parse(filter, Integer.MAX_VALUE);
        if (parsed != null) {
            registry.trie().unsubscribe(parsed.trieFilter(), parsed.trieKey(clientId));
        }
        data.removeSubscription(filter);
        return had;
    }

    // ---- delivery ----

    /** A message routed to this session. */
    public void deliver(Delivery delivery) {
        if (delivery.shareKey() != null) {
            sharedArrived(); // Router.handShared counted it on its way here
        }
        if (discarded) {
            // It ended between the routing decision and this task: a shared message goes to another member.
            if (delivery.shareKey() != null) {
                registry.orphaned(List.of(delivery), clientId);
            } else {
                metrics().droppedOffline.increment();
            }
            return;
        }
        if (connection == null) {
            if (delivery.qos() == 0) {
                metrics().droppedOffline.increment();
            } else {
                enqueue(delivery);
            }
            return;
        }
        if (data.queueSize() == 0 && canSend(delivery)) {
            send(delivery);
        } else {
            enqueue(delivery);
            drain();
        }
        connection.flush();
    }

    /** The client acknowledged a QoS 1 delivery. */
    public void acknowledged(int packetId) {
        if (resendPending != null) {
            resendPending.remove(packetId);
        }
        if (data.removeInflight(packetId) != null && connection != null) {
            drain();
            connection.flush();
        }
    }

    /** The socket can take more: send what waited. */
    public void writable() {
        if (connection != null) {
            drain();
            connection.flush();
        }
    }

    private void enqueue(Delivery delivery) {
        if (data.offer(delivery) != null) {
            metrics().droppedQueueFull.increment();
        }
        publishBacklog();
    }

    private void publishBacklog() {
        BACKLOG.setRelease(this, data.queueSize());
    }

    private void drain() {
        while (resendPendingCount() > 0 && connection.isWritable() && unacknowledgedOnThisConnection() < window()) {
            int packetId = resendPending.poll();
            Delivery delivery = data.inflight().get(packetId);
            if (delivery != null && !connection.writePublish(delivery, packetId, true)) {
                data.removeInflight(packetId);
                metrics().droppedTooLargeForClient.increment();
            }
        }
        if (resendPendingCount() > 0) {
            return; // the queue waits behind the resends, to keep order
        }
        Delivery head;
        boolean sent = false;
        while ((head = data.peek()) != null && canSend(head)) {
            send(data.poll());
            sent = true;
        }
        if (sent) {
            publishBacklog();
        }
    }

    private boolean canSend(Delivery delivery) {
        return resendPendingCount() == 0 && connection.isWritable()
                && (delivery.qos() == 0 || data.inflightSize() < window());
    }

    /** The in-flight window of this connection: the session's bound and the client's Receive Maximum. */
    private int window() {
        return Math.min(maxInflight, connection.receiveMaximum());
    }

    private int unacknowledgedOnThisConnection() {
        return data.inflightSize() - resendPendingCount();
    }

    private int resendPendingCount() {
        return resendPending == null ? 0 : resendPending.size();
    }

    private void send(Delivery delivery) {
        if (delivery.message().expired(System.nanoTime())) {
            metrics().droppedExpired.increment(); // MQTT-3.3.2-5: expired before onward delivery started
            return;
        }
        int packetId = delivery.qos() > 0 ? nextPacketId() : 0;
        if (!connection.writePublish(delivery, packetId, false)) {
            metrics().droppedTooLargeForClient.increment();
            return;
        }
        if (packetId != 0) {
            data.putInflight(packetId, delivery);
        }
        metrics().messagesDelivered.increment();
    }

    /** MQTT-2.3.1-2: a packet id not used by another unacknowledged delivery, 1..65535. */
    private int nextPacketId() {
        do {
            lastPacketId = lastPacketId == 0xFFFF ? 1 : lastPacketId + 1;
        } while (data.inflightContains(lastPacketId));
        return lastPacketId;
    }

    private BrokerMetrics metrics() {
        return registry.metrics();
    }

    /** Deliveries in flight, oldest first; for tests. */
    List<Integer> inflightIds() {
        return new ArrayList<>(data.inflight().keySet());
    }
}

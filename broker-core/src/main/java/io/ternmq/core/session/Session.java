package io.ternmq.core.session;

import io.ternmq.core.auth.CachedPermissions;
import io.ternmq.core.auth.Identity;
import io.ternmq.core.auth.Permissions;

import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.topic.SubscriptionFilter;
import io.ternmq.core.topic.TopicTrie;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One client id's session. Every method runs on its {@link SessionOwner}; nothing here is locked. Its state lives
 * in the {@link SessionData} the {@link SessionStore} gave it; its subscriptions are also in the topic trie, which
 * is how messages find it. Its life (attach, detach, end) is driven by the {@link SessionRegistry}.
 *
 * <p>Delivery keeps order: a message goes straight to the socket only when nothing is queued ahead of it, the
 * socket is writable and (QoS 1) the in-flight window has room; otherwise it joins the bounded queue, which
 * drops its oldest entry when full. The queue drains when the socket becomes writable again, when a PUBACK
 * frees a window slot, and when the client reconnects. The window is the smaller of {@code limits.max-inflight}
 * and the client's MQTT 5 Receive Maximum.
 */
public final class Session {

    /** Session Expiry Interval meaning "never" (MQTT 5 0xFFFFFFFF). */
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
    /** Its key in the topic trie: the client id, or for a QUIC data stream's session the client id and stream. */
    private final String trieId;
    private final boolean persistent;
    private final SessionOwner owner;
    private final SessionData data;
    private final TopicTrie<Subscriber> trie;
    private final BrokerMetrics metrics;
    private final int maxInflight;

    private volatile Connection connection;
    /**
     * Who signed in with this session last ("pk/dn", a user name, "anonymous"); null for a session restored from
     * the store whose client has not signed in since the start.
     */
    private String holder;
    /** The read rules of the client connected now (an ACL file user), with their cache; null: all. */
    private CachedPermissions receive;
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
     * Shared-subscription deliveries a {@code Router} handed to this session's owner and the owner has not taken
     * yet; raised and lowered by the Router alone. Without it a burst routed before the owner runs would all see
     * the same short queue.
     */
    @SuppressWarnings("unused") // through SHARED_ON_THE_WAY
    private int sharedOnTheWay;
    /** The pending end of this session while it is offline with a finite expiry; cancelled when it resumes. */
    private ScheduledFuture<?> expiryTimer;

    Session(String clientId, boolean persistent, SessionOwner owner, SessionData data, TopicTrie<Subscriber> trie,
            BrokerMetrics metrics, int maxInflight, long expiryIntervalSeconds) {
        this(clientId, clientId, persistent, owner, data, trie, metrics, maxInflight, expiryIntervalSeconds);
    }

    Session(String clientId, String trieId, boolean persistent, SessionOwner owner, SessionData data,
            TopicTrie<Subscriber> trie, BrokerMetrics metrics, int maxInflight, long expiryIntervalSeconds) {
        this.clientId = clientId;
        this.trieId = trieId;
        this.persistent = persistent;
        this.owner = owner;
        this.data = data;
        this.trie = trie;
        this.metrics = metrics;
        this.maxInflight = maxInflight;
        this.expiryIntervalSeconds = expiryIntervalSeconds;
    }

    public String clientId() {
        return clientId;
    }

    /** True when it may outlive its connection (3.x clean session 0, 5.0 Session Expiry Interval above 0). */
    public boolean persistent() {
        return persistent;
    }

    public SessionOwner owner() {
        return owner;
    }

    public Connection connection() {
        return connection;
    }

    /** Queued (not yet sent) deliveries. */
    public int queued() {
        return data.queueSize();
    }

    /** QoS 1 deliveries sent and not yet acknowledged. */
    public int inflight() {
        return data.inflightSize();
    }

    /** Its subscriptions, in the order they were made. */
    public List<StoredSubscription> subscriptions() {
        return data.subscriptions();
    }

    public long expiryIntervalSeconds() {
        return expiryIntervalSeconds;
    }

    /** MQTT 5: the client may change the Session Expiry Interval on DISCONNECT (MQTT-3.14.2-2 is checked by the caller). */
    public void expiryIntervalSeconds(long seconds) {
        this.expiryIntervalSeconds = seconds;
    }

    /** Writes the expiry a restart needs: the interval, and since when offline (0 while connected). */
    void recordExpiry(long offlineSinceMillis) {
        data.expiry(expiryIntervalSeconds, offlineSinceMillis);
    }

    boolean discarded() {
        return discarded;
    }

    long detachGeneration() {
        return detachGeneration;
    }

    // ---- shared-group load, the Router's count ----

    /**
     * What waits for this session as a shared-group member: its queue plus the shared deliveries on their way to
     * its owner. Any thread may read it.
     */
    public int sharedLoad() {
        return (int) BACKLOG.getOpaque(this) + (int) SHARED_ON_THE_WAY.getOpaque(this);
    }

    /** The Router is handing this session a shared delivery. Any thread. */
    public void sharedHandedOver() {
        SHARED_ON_THE_WAY.getAndAdd(this, 1);
    }

    /** A delivery counted by {@link #sharedHandedOver} reached the owner, or was never handed over. */
    public void sharedArrived() {
        SHARED_ON_THE_WAY.getAndAdd(this, -1);
    }

    // ---- life, driven by SessionRegistry ----

    void attach(Connection newConnection) {
        cancelExpiry();
        this.connection = newConnection;
        holder = newConnection.info().identity().name();
        Permissions permissions = newConnection.info().identity().permissions();
        receive = permissions.checksDelivery() ? new CachedPermissions(permissions) : null;
    }

    void expiryTimer(ScheduledFuture<?> timer) {
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
        resendPending = data.inflightSize() == 0 ? null : new ArrayDeque<>(data.inflightIds());
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
     * Whether a client signed in as {@code identity} may take this session: one with the same identity may (a
     * reconnect, a takeover), another may not, or a device could reuse another's client id to take its
     * subscriptions and queued messages. On the owner.
     */
    public boolean mayBeTakenBy(Identity identity) {
        return holder == null || holder.equals(identity.name());
    }

    /** The connection went away; false when it was not this session's (any more), which changes nothing. */
    boolean detach(Connection gone) {
        if (connection != gone || discarded) {
            return false;
        }
        connection = null;
        resendPending = null;
        detachGeneration++;
        return true;
    }

    /** Offline, QoS 0 messages are not kept (PLATFORM.md 5): they leave the queue, counted. */
    void dropQueuedQos0() {
        metrics.droppedOffline.add(data.dropQueuedQos0());
        publishBacklog();
    }

    /**
     * The shared-subscription deliveries this session held but had not had acknowledged: they belong to another
     * member of their group once it goes away (MQTT 5 4.8.2).
     */
    List<Delivery> takeSharedDeliveries() {
        List<Delivery> orphans = new ArrayList<>(data.removeInflightShared());
        orphans.addAll(data.removeQueuedShared());
        publishBacklog();
        return orphans;
    }

    /** Shared deliveries no other member of their group took go back in the queue, at its end. */
    void requeue(List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            enqueue(d);
        }
    }

    /** Takes every subscription out of the trie; the session is dead afterwards. */
    void discard() {
        discarded = true;
        cancelExpiry();
        for (StoredSubscription s : data.subscriptions()) {
            SubscriptionFilter parsed = SubscriptionFilter.parse(s.filter(), Integer.MAX_VALUE);
            if (parsed != null) {
                trie.unsubscribe(parsed.trieFilter(), parsed.trieKey(trieId));
            }
        }
    }

    // ---- subscriptions ----

    /** Adds a validated filter at its granted QoS. */
    public void subscribe(SubscriptionFilter filter, int grantedQos, boolean noLocal) {
        if (discarded) {
            return; // a dead session must leave nothing in the trie
        }
        trie.subscribe(filter.trieFilter(), filter.trieKey(trieId),
                new Subscriber(this, grantedQos, noLocal, filter.shareGroup() == null ? null : filter.full(),
                        filter.full()));
        data.putSubscription(new StoredSubscription(filter.full(), grantedQos, noLocal));
    }

    /** Adds a filter at its granted QoS, shared ({@code $share/...}) or not; an invalid one is refused. */
    public void subscribe(String filter, int grantedQos) {
        SubscriptionFilter parsed = SubscriptionFilter.parse(filter, Integer.MAX_VALUE);
        if (parsed == null) {
            throw new IllegalArgumentException("not a topic filter: " + filter);
        }
        subscribe(parsed, grantedQos, false);
    }

    /** True when the session holds this filter already. */
    public boolean hasSubscription(String filter) {
        return data.hasSubscription(filter);
    }

    public int subscriptionCount() {
        return data.subscriptionCount();
    }

    /** Removes a filter; true if the session had it. */
    public boolean unsubscribe(String filter) {
        if (discarded) {
            return false;
        }
        boolean had = data.hasSubscription(filter);
        SubscriptionFilter parsed = SubscriptionFilter.parse(filter, Integer.MAX_VALUE);
        if (parsed != null) {
            trie.unsubscribe(parsed.trieFilter(), parsed.trieKey(trieId));
        }
        data.removeSubscription(filter);
        return had;
    }

    // ---- delivery ----

    /**
     * A message routed to this session. False, taking nothing, when the session ended between the routing
     * decision and this call: the caller routes a shared message to another member.
     */
    public boolean deliver(Delivery delivery) {
        if (discarded) {
            return false;
        }
        if (connection == null) {
            if (delivery.qos() == 0) {
                metrics.droppedOffline.increment();
            } else {
                enqueue(delivery);
            }
            return true;
        }
        if (data.queueSize() == 0 && canSend(delivery)) {
            send(delivery);
        } else {
            enqueue(delivery);
            drain();
        }
        connection.flush();
        return true;
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
        metrics.droppedQueueFull.add(data.offer(delivery));
        publishBacklog();
    }

    private void publishBacklog() {
        BACKLOG.setRelease(this, data.queueSize());
    }

    private void drain() {
        while (resendPendingCount() > 0 && connection.isWritable() && unacknowledgedOnThisConnection() < window()) {
            int packetId = resendPending.poll();
            Delivery delivery = data.inflight(packetId);
            if (delivery != null && !connection.writePublish(delivery, packetId, true)) {
                data.removeInflight(packetId);
                metrics.droppedTooLargeForClient.increment();
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
            metrics.droppedExpired.increment(); // MQTT-3.3.2-5: expired before onward delivery started
            return;
        }
        if (receive != null && !receive.mayReceive(delivery.message().topic())) {
            // An ACL read rule of the client connected now: also for what was queued before it signed in.
            metrics.deliveriesDenied.increment();
            return;
        }
        int packetId = delivery.qos() > 0 ? nextPacketId() : 0;
        if (!connection.writePublish(delivery, packetId, false)) {
            metrics.droppedTooLargeForClient.increment();
            return;
        }
        if (packetId != 0) {
            data.putInflight(packetId, delivery);
        }
        metrics.messagesDelivered[delivery.qos()].increment();
    }

    /** MQTT-2.3.1-2: a packet id not used by another unacknowledged delivery, 1..65535. */
    private int nextPacketId() {
        do {
            lastPacketId = lastPacketId == 0xFFFF ? 1 : lastPacketId + 1;
        } while (data.inflightContains(lastPacketId));
        return lastPacketId;
    }

    /** Deliveries in flight, oldest first; for tests. */
    List<Integer> inflightIds() {
        return data.inflightIds();
    }
}

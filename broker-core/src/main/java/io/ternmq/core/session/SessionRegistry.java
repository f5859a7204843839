package io.ternmq.core.session;

import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.log.LogText;
import io.ternmq.core.log.RepeatLimitedLog;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.topic.SubscriptionFilter;
import io.ternmq.core.topic.TopicTrie;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, creates and ends sessions by client id, and drives their life: attach at CONNECT, detach when the
 * connection goes, expiry, end. Lookups come from any thread; changes for one client id happen only on that id's
 * owner, which is what makes connect, takeover and end of session race-free without locks.
 */
public final class SessionRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    /** The result of a CONNECT: the session now bound to the connection, and whether it existed before. */
    public record Attached(Session session, boolean sessionPresent) {
    }

    /**
     * Where the shared-subscription deliveries of a session that goes away go: to another member of their group
     * (MQTT 5 4.8.2). The {@code Router} is the one route; it returns what no other member could take.
     */
    public interface SharedRedelivery {
        List<Delivery> redeliver(List<Delivery> orphans, Session departed);
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Stream sessions made so far: each one's trie key is unique. */
    private final AtomicLong streamSessions = new AtomicLong();
    private final SessionOwners owners;
    private final SessionStore store;
    private final TopicTrie<Subscriber> trie;
    private final SharedRedelivery sharedRedelivery;
    private final BrokerMetrics metrics;
    private final int maxInflight;
    /** A device that reconnects in a loop with one client id takes itself over each time: one line per interval. */
    private final RepeatLimitedLog takeovers;
    private final ScheduledThreadPoolExecutor expiryTimer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "ternmq-session-expiry");
        t.setDaemon(true);
        return t;
    });

    public SessionRegistry(SessionOwners owners, SessionStore store, TopicTrie<Subscriber> trie,
                           SharedRedelivery sharedRedelivery, BrokerMetrics metrics, int maxInflight,
                           Duration logRepeatInterval) {
        this.owners = owners;
        this.store = store;
        this.trie = trie;
        this.sharedRedelivery = sharedRedelivery;
        this.metrics = metrics;
        this.maxInflight = maxInflight;
        this.takeovers = new RepeatLimitedLog(LOG, logRepeatInterval);
        // A resumed session cancels its timer; without this every reconnect would leave one behind until it fires.
        expiryTimer.setRemoveOnCancelPolicy(true);
    }

    public SessionOwner ownerOf(String clientId) {
        return owners.ownerOf(clientId);
    }

    /** The live or offline session of a client id, or null. Any thread. */
    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public Collection<Session> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }

    /**
     * Binds a connection that completed CONNECT to its session. Runs on the client id's owner. An older
     * connection with the same id is closed (takeover: 3.1.1 MQTT-3.1.4-2, 5.0 MQTT-3.1.4-3). Clean start
     * discards any previous session (MQTT-3.1.2-4); otherwise an existing session that outlives its connection is
     * resumed (MQTT-3.1.2-5). A session with expiry 0 ends when its connection is closed, also when it is taken
     * over.
     *
     * @param expirySeconds the Session Expiry Interval: 0 ends the session with the connection,
     *                      {@link Session#NEVER_EXPIRES} never ends it
     */
    public Attached attach(String clientId, boolean cleanStart, long expirySeconds, Connection connection) {
        Session existing = sessions.get(clientId);
        if (existing != null && existing.connection() != null) {
            metrics.sessionsTakenOver.increment();
            takeovers.info("takeover", "client {} taken over: a connection from {} replaced the one from {}",
                    LogText.of(clientId), connection.remoteAddress(), existing.connection().remoteAddress());
            existing.takeOver();
        }
        if (!cleanStart && existing != null && existing.persistent()) {
            existing.expiryIntervalSeconds(expirySeconds);
            existing.attach(connection);
            existing.recordExpiry(0);
            return new Attached(existing, true);
        }
        if (existing != null) {
            end(existing);
        }
        // MQTT-3.1.2-5: without clean start a kept session resumes, even when this connection asks for expiry 0
        // (it then ends with the connection); MQTT-3.1.2-4: clean start ends it.
        SessionData kept = cleanStart ? null : store.stored(clientId);
        if (cleanStart) {
            store.remove(clientId);
        }
        boolean persistent = kept != null || expirySeconds != 0;
        Session session = new Session(clientId, persistent, owners.ownerOf(clientId),
                kept != null ? kept : store.create(clientId, persistent), trie, metrics, maxInflight, expirySeconds);
        // A kept session (a store that outlives the process) routes again from its subscriptions.
        subscribeAgain(session);
        sessions.put(clientId, session);
        session.attach(connection);
        if (persistent) {
            session.recordExpiry(0);
        }
        return new Attached(session, kept != null);
    }

    /**
     * The session of one data stream of a multi-stream MQTT over QUIC connection (EMQX's multi-stream mode): the
     * stream's subscriptions, queue, in-flight window and packet ids are its own, so a stream the client does not
     * read holds up nothing on the others. It carries the client id of the connection's session (No Local, RRPC,
     * the trace and the ACL see the same client), runs on the same owner, is kept in neither the registry nor the
     * store, and ends when its stream closes ({@link #detached}, as a session with expiry 0). On the owner.
     *
     * @param parts what share of a session's queue bounds it gets ({@link SessionStore#createShare})
     */
    public Session streamSession(Session connectionSession, Connection connection, int parts) {
        String clientId = connectionSession.clientId();
        // Unique for the life of the process, not the QUIC stream id, which every connection counts from 4 again:
        // a closing connection's stream must not take a newer connection's subscription out of the trie.
        // U+0000 cannot appear in a client id, so the key never equals a client's.
        String trieId = clientId + "\u0000" + streamSessions.incrementAndGet();
        Session session = new Session(clientId, trieId, false, connectionSession.owner(), store.createShare(parts),
                trie, metrics, maxInflight, 0);
        session.attach(connection);
        return session;
    }

    /**
     * Brings back the persistent sessions a store kept from before this process: offline, subscribed again (so
     * messages published to them while their clients are still away are queued), with the expiry they have left;
     * one whose expiry ran out while the broker was down is ended. Runs at start-up, before any connection.
     *
     * @return how many sessions came back
     */
    public int restore() {
        long now = System.currentTimeMillis();
        int restored = 0;
        for (KeptSession kept : store.kept()) {
            long interval = kept.expiryIntervalSeconds();
            long offlineSince = kept.offlineSinceMillis() == 0 ? now : kept.offlineSinceMillis();
            long left = interval >= Session.NEVER_EXPIRES ? interval
                    : interval - Math.max(0, (now - offlineSince) / 1000);
            if (left <= 0) {
                LOG.debug("session {} expired while the broker was down", LogText.of(kept.clientId()));
                metrics.sessionsExpired.increment();
                store.remove(kept.clientId());
                continue;
            }
            Session session = new Session(kept.clientId(), true, owners.ownerOf(kept.clientId()),
                    store.stored(kept.clientId()), trie, metrics, maxInflight, interval);
            subscribeAgain(session);
            session.recordExpiry(offlineSince);
            sessions.put(kept.clientId(), session);
            scheduleExpiry(session, left);
            restored++;
        }
        return restored;
    }

    private static void subscribeAgain(Session session) {
        for (StoredSubscription s : session.subscriptions()) {
            SubscriptionFilter parsed = SubscriptionFilter.parse(s.filter(), Integer.MAX_VALUE);
            if (parsed != null) {
                session.subscribe(parsed, s.grantedQos(), s.noLocal());
            }
        }
    }

    /**
     * The connection of a session went away. Runs on its owner. A session with expiry 0 ends with it; otherwise
     * its QoS 1 state stays and the expiry clock starts (MQTT-3.1.2-23). Either way the shared-subscription
     * deliveries it held go to another member of their group.
     */
    public void detached(Session session, Connection gone) {
        if (!session.detach(gone)) {
            return;
        }
        if (session.expiryIntervalSeconds() == 0) {
            end(session);
            return;
        }
        // What no other member takes waits here for this one's return (5.0 §4.8.2 lets the server wait).
        session.requeue(redeliverShared(session));
        session.dropQueuedQos0();
        session.recordExpiry(System.currentTimeMillis());
        scheduleExpiry(session, session.expiryIntervalSeconds());
    }

    /**
     * Ends a session: it leaves the registry, the trie and the store. Runs on its owner. Once only: a session
     * already ended is left alone, so a late second call cannot touch the state of a newer session of its client id.
     */
    public void end(Session session) {
        if (session.discarded()) {
            return;
        }
        sessions.remove(session.clientId(), session);
        metrics.droppedNoShareMember.add(redeliverShared(session).size());
        session.discard();
        if (session.persistent()) {
            store.remove(session.clientId());
        }
    }

    /** The one place shared deliveries a departing session held leave it; returns what no other member took. */
    private List<Delivery> redeliverShared(Session session) {
        List<Delivery> orphans = session.takeSharedDeliveries();
        return orphans.isEmpty() ? orphans : sharedRedelivery.redeliver(orphans, session);
    }

    /** Starts the expiry clock of an offline session: it ends in {@code seconds} unless its client comes back. */
    private void scheduleExpiry(Session session, long seconds) {
        if (seconds >= Session.NEVER_EXPIRES || expiryTimer.isShutdown()) {
            return; // never, or the broker has stopped (connections closing after its drain)
        }
        long generation = session.detachGeneration();
        session.expiryTimer(expiryTimer.schedule(() -> session.owner().executeAlways(() -> {
            if (session.connection() == null && session.detachGeneration() == generation && !session.discarded()) {
                LOG.debug("session {} expired after {} s offline", LogText.of(session.clientId()), seconds);
                metrics.sessionsExpired.increment();
                end(session);
            }
        }), seconds, TimeUnit.SECONDS));
    }

    /** Expiry timers waiting to fire: one per offline session with a finite expiry, for metrics and tests. */
    public int pendingExpiryTimers() {
        return expiryTimer.getQueue().size();
    }

    /**
     * The drain of a graceful shutdown, after the listeners stopped accepting: every owner writes and flushes
     * what it owes its clients, then each connection is closed (MQTT 5: 0x8B); then the owners stop. All within
     * one deadline.
     */
    public void drain(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        // 1. Nothing more clients send is acted on.
        for (Session session : sessions.values()) {
            Connection connection = session.connection();
            if (connection != null) {
                connection.stopReading();
            }
        }
        // 2. Work already under way lands: a PUBLISH routed by one owner is delivered by another (one hop at most).
        owners.barrier(deadline);
        owners.barrier(deadline);
        // 3. Each session writes what it can of what it owes, then its client is told and closed.
        for (Session session : sessions.values()) {
            session.owner().executeAlways(() -> {
                Connection connection = session.connection();
                if (connection != null) {
                    session.writable();
                    connection.close(CloseReason.SERVER_SHUTTING_DOWN);
                }
            });
        }
        // 4. The owners finish and stop.
        owners.shutdown(deadline);
        close();
    }

    @Override
    public void close() {
        expiryTimer.shutdownNow();
    }
}

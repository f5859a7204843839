package io.ternmq.core.routing;

import io.ternmq.core.log.RepeatLimitedLog;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.SessionStore;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans one accepted PUBLISH out to the sessions whose filters match. Runs on the publisher's session owner, so
 * the messages of one publisher reach each subscriber's owner in the order they were published. Handing a
 * message to another owner never blocks: if that owner's queue is full the message is dropped and counted.
 *
 * <p>A shared subscription group ({@code $share/{group}/{filter}}) gets each message once: the next online
 * member in round-robin order that is keeping up (fewer than half of its queue bound waiting for it: queued, or
 * handed over and not yet taken by its owner), so a member that falls behind is passed over instead of
 * overflowing its queue; if every online member is behind, the one with the least waiting; with none online, the
 * next member whose session keeps messages offline. What a departing member held comes back here, the one route
 * for such messages ({@link #redeliver}).
 *
 * <p>Acknowledged means durable: for a QoS 1 message the caller passes what to do once the message is as safe as
 * the store promises in every persistent session it reached (the publisher's PUBACK); each persistent target's
 * owner reports its write, and the last report runs it. A store at its byte bound refuses a QoS 1 message bound for
 * a persistent session before any of it is handed over.
 */
public final class Router implements SessionRegistry.SharedRedelivery {

    /** What {@link #route(PublishMessage, Runnable)} answers when the store is full: nothing was handed over. */
    public static final int STORE_FULL = -1;

    /** Round-robin positions by share key, at most this many (a bound on what clients can make it hold). */
    static final int MAX_GROUP_CURSORS = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final TopicTrie<Subscriber> trie;
    private final PlatformPolicy policy;
    private final BrokerMetrics metrics;
    private final SessionStore store;
    /** The store-full refusal is logged once a minute at most; the counter has every one. */
    private final RepeatLimitedLog storeFullLog = new RepeatLimitedLog(LOG, Duration.ofMinutes(1));
    private final Map<String, AtomicInteger> groupCursors = new ConcurrentHashMap<>();
    /**
     * A shared-group member with this many messages waiting or more (queued, or on their way to its owner) is
     * behind: the next member gets the message.
     */
    private final int behindAt;

    private volatile PublishInterceptor interceptor = PublishInterceptor.NONE;

    public Router(TopicTrie<Subscriber> trie, PlatformPolicy policy, BrokerMetrics metrics, SessionStore store) {
        this.trie = trie;
        this.policy = policy;
        this.metrics = metrics;
        this.store = store;
        this.behindAt = policy.sharedMemberBehindAt();
    }

    /** Set once at wiring, before the first message: what takes RRPC responses. */
    public void interceptor(PublishInterceptor interceptor) {
        this.interceptor = interceptor;
    }

    /**
     * Hands a QoS 0 message to one client's session only, when one of its own (not shared) subscriptions matches
     * the topic: an RRPC request goes to the device called, not to every subscriber of the topic. Not intercepted.
     * False when no subscription of that client matches or its owner could not take it.
     */
    public boolean routeTo(String clientId, PublishMessage message) {
        List<Subscriber> matched = new ArrayList<>(2);
        trie.match(message.topic(), s -> {
            if (s.shareKey() == null && s.clientId().equals(clientId)) {
                matched.add(s);
            }
        });
        if (matched.isEmpty()) {
            return false;
        }
        int qos = 0;
        for (Subscriber s : matched) {
            qos = Math.max(qos, s.qos());
        }
        return hand(matched.get(0).session(), new Delivery(message, policy.deliveredQos(message.qos(), qos)), null);
    }

    /** Routes a message nobody waits for (QoS 0, or a test); returns how many sessions it was handed to. */
    public int route(PublishMessage message) {
        return route(message, null);
    }

    /**
     * Routes the message; returns how many sessions it was handed to, or {@link #STORE_FULL}.
     *
     * @param written runs once the message is as safe as the store promises in every persistent session it was
     *                handed to (at once when none), on any thread; not at all after {@link #STORE_FULL}. Null when
     *                nobody waits (QoS 0).
     */
    public int route(PublishMessage message, Runnable written) {
        if (interceptor.intercept(message)) {
            if (written != null) {
                written.run(); // taken whole (an RRPC response): nothing to wait for
            }
            return 0;
        }
        List<Subscriber> matched = new ArrayList<>(4);
        trie.match(message.topic(), matched::add);
        if (written != null && !matched.isEmpty() && store.full() && anyPersistent(matched)) {
            metrics.refusedStoreFull.increment();
            storeFullLog.info("store full", "refusing QoS 1 messages for persistent sessions: {} ({} refused so far)",
                    store.whyFull(), metrics.refusedStoreFull.sum());
            return STORE_FULL;
        }
        Written pending = written == null ? null : new Written(written);
        int handed = handOut(message, matched, pending);
        if (pending != null) {
            pending.reported(); // the routing's own share: every persistent target has been counted by now
        }
        return handed;
    }

    private static boolean anyPersistent(List<Subscriber> matched) {
        for (Subscriber s : matched) {
            if (s.session().persistent()) {
                return true;
            }
        }
        return false;
    }

    private int handOut(PublishMessage message, List<Subscriber> matched, Written written) {
        if (matched.isEmpty()) {
            return 0;
        }
        if (matched.size() == 1 && matched.get(0).shareKey() == null) {
            // The common device case (one subscriber per topic): no de-duplication maps on the hot path.
            Subscriber only = matched.get(0);
            boolean local = only.noLocal() && only.clientId().equals(message.publisherId());
            return !local && hand(only.session(), delivery(message, message.qos(), only, null), written) ? 1 : 0;
        }
        // A client matched by overlapping filters gets one copy, at the highest QoS of those filters (MQTT-3.3.4-2).
        Map<Session, Integer> targets = new HashMap<>();
        Map<String, List<Subscriber>> groups = null;
        for (Subscriber s : matched) {
            if (s.shareKey() != null) {
                if (groups == null) {
                    groups = new HashMap<>();
                }
                groups.computeIfAbsent(s.shareKey(), k -> new ArrayList<>()).add(s);
            } else if (!(s.noLocal() && s.clientId().equals(message.publisherId()))) { // MQTT-3.8.3-3
                targets.merge(s.session(), s.qos(), Math::max);
            }
        }
        int handed = 0;
        for (Map.Entry<Session, Integer> target : targets.entrySet()) {
            Delivery d = new Delivery(message, policy.deliveredQos(message.qos(), target.getValue()));
            if (hand(target.getKey(), d, written)) {
                handed++;
            }
        }
        if (groups != null) {
            for (Map.Entry<String, List<Subscriber>> group : groups.entrySet()) {
                if (toGroup(message, message.qos(), group.getKey(), group.getValue(), written)) {
                    handed++;
                }
            }
        }
        return handed;
    }

    /**
     * Shared deliveries a departed member never had acknowledged go to another member of their group. Returns
     * those no other member could take, for the caller to keep or drop.
     */
    @Override
    public List<Delivery> redeliver(List<Delivery> orphans, Session departed) {
        List<Delivery> left = new ArrayList<>(0);
        for (Delivery orphan : orphans) {
            List<Subscriber> members = new ArrayList<>();
            trie.match(orphan.message().topic(), s -> {
                // The departed session itself, not its client id: another data stream of the same QUIC connection
                // (a session of its own under the same client id) is a member like any other.
                if (orphan.shareKey().equals(s.shareKey()) && s.session() != departed) {
                    members.add(s);
                }
            });
            if (!toGroup(orphan.message(), orphan.qos(), orphan.shareKey(), members, null)) {
                left.add(orphan);
            }
        }
        return left;
    }

    private boolean toGroup(PublishMessage message, int publisherQos, String shareKey, List<Subscriber> members,
                            Written written) {
        if (members.isEmpty()) {
            return false;
        }
        members.sort((a, b) -> a.clientId().compareTo(b.clientId())); // a stable order for round robin
        if (groupCursors.size() > MAX_GROUP_CURSORS) {
            groupCursors.clear(); // share names are client-chosen; restarting the rotation is harmless
        }
        AtomicInteger cursor = groupCursors.computeIfAbsent(shareKey, k -> new AtomicInteger());
        int start = Math.floorMod(cursor.getAndIncrement(), members.size());
        Subscriber least = null; // the online member with the least waiting, when every online member is behind
        int leastLoad = Integer.MAX_VALUE;
        Subscriber offline = null; // the first member in turn whose session keeps messages offline
        for (int i = 0; i < members.size(); i++) {
            Subscriber member = members.get((start + i) % members.size());
            Session session = member.session();
            if (session.connection() != null) {
                int load = session.sharedLoad();
                if (load < behindAt) {
                    if (i > 0) {
                        // The member after the one passed over takes the next turn too, not twice its share.
                        cursor.addAndGet(i);
                        metrics.sharedPassedOver.increment();
                    }
                    return handShared(member, message, publisherQos, shareKey, written);
                }
                if (load < leastLoad) {
                    least = member;
                    leastLoad = load;
                }
            } else if (offline == null && session.persistent()) {
                offline = member;
            }
        }
        if (least != null) {
            return handShared(least, message, publisherQos, shareKey, written);
        }
        return offline != null && handShared(offline, message, publisherQos, shareKey, written);
    }

    private Delivery delivery(PublishMessage message, int publisherQos, Subscriber subscriber, String shareKey) {
        return new Delivery(message, policy.deliveredQos(publisherQos, subscriber.qos()), shareKey);
    }

    /**
     * Hands a shared delivery over, counting it on the member as on its way until its owner takes it: this class
     * raises that count and lowers it, and nothing else does.
     */
    private boolean handShared(Subscriber member, PublishMessage message, int publisherQos, String shareKey,
                               Written written) {
        Session session = member.session();
        Delivery delivery = delivery(message, publisherQos, member, shareKey);
        Written wait = waitsFor(session, written);
        session.sharedHandedOver();
        if (session.owner().runOrExecute(() -> {
            session.sharedArrived();
            arrive(session, delivery, wait);
        })) {
            return true;
        }
        session.sharedArrived();
        notHanded(wait);
        return false;
    }

    private boolean hand(Session session, Delivery delivery, Written written) {
        Written wait = waitsFor(session, written);
        if (session.owner().runOrExecute(() -> arrive(session, delivery, wait))) {
            return true;
        }
        notHanded(wait);
        return false;
    }

    /** A persistent session's write is waited for; a clean one's is not (nothing of it outlives the process). */
    private static Written waitsFor(Session session, Written written) {
        if (written == null || !session.persistent()) {
            return null;
        }
        written.expect();
        return written;
    }

    private void notHanded(Written wait) {
        metrics.droppedOwnerBusy.increment();
        if (wait != null) {
            wait.reported(); // dropped, so there is nothing to wait for
        }
    }

    /**
     * On the target's owner: a session that ended since it was matched passes a shared message on. A persistent
     * target reports once the store has what this pass wrote for it.
     */
    private void arrive(Session session, Delivery delivery, Written wait) {
        if (session.deliver(delivery)) {
            if (wait != null) {
                store.whenWritten(wait::reported);
            }
            return;
        }
        if (wait != null) {
            wait.reported();
        }
        if (delivery.shareKey() == null) {
            metrics.droppedOffline.increment();
        } else if (!redeliver(List.of(delivery), session).isEmpty()) {
            metrics.droppedNoShareMember.increment();
        }
    }

    /** The reports one message waits for: one per persistent target, and one for the routing itself. */
    private static final class Written {
        private final AtomicInteger pending = new AtomicInteger(1);
        private final Runnable action;

        Written(Runnable action) {
            this.action = action;
        }

        void expect() {
            pending.incrementAndGet();
        }

        void reported() {
            if (pending.decrementAndGet() == 0) {
                action.run();
            }
        }
    }
}

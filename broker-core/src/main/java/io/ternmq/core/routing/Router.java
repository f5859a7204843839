package io.ternmq.core.routing;

import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.session.Delivery;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fans one accepted PUBLISH out to the sessions whose filters match. Runs on the publisher's session owner, so
 * the messages of one publisher reach each subscriber's owner in the order they were published. Handing a
 * message to another owner never blocks: if that owner's queue is full the message is dropped and counted.
 *
 * <p>A shared subscription group ({@code $share/{group}/{filter}}) gets each message once: the next online
 * member in round-robin order that is keeping up (fewer than half of {@code limits.max-queued-messages}
 * waiting for it: queued, or handed over and not yet taken by its owner), so a member that falls behind is passed
 * over instead of overflowing its queue; if every online member is behind, the one with the least waiting; with
 * none online, the next member whose session keeps messages offline.
 */
public final class Router {

    private final TopicTrie<Subscriber> trie;
    private final SessionRegistry registry;
    private final PlatformPolicy policy;
    private final BrokerMetrics metrics;
    /** Round-robin positions by share key, at most this many (a bound on what clients can make it hold). */
    static final int MAX_GROUP_CURSORS = 65_536;
    private final Map<String, AtomicInteger> groupCursors = new ConcurrentHashMap<>();
    /**
     * A shared-group member with this many messages waiting or more (queued, or on their way to its owner) is
     * behind: the next member gets the message.
     */
    private final int behindAt;

    public Router(TopicTrie<Subscriber> trie, SessionRegistry registry, PlatformPolicy policy, BrokerMetrics metrics) {
        this.trie = trie;
        this.registry = registry;
        this.policy = policy;
        this.metrics = metrics;
        this.behindAt = Math.max(1, policy.limits().maxQueuedMessages() / 2);
    }

    /** Routes the message; returns how many sessions it was handed to. */
    public int route(PublishMessage message) {
        List<Subscriber> matched = new ArrayList<>(4);
        trie.match(message.topic(), matched::add);
        if (matched.isEmpty()) {
            return 0;
        }
        if (matched.size() == 1 && matched.get(0).shareKey() == null) {
            // The common device case (one subscriber per topic): no de-duplication maps on the hot path.
            Subscriber only = matched.get(0);
            boolean local = only.noLocal() && only.clientId().equals(message.publisherId());
            return !local && toSubscriber(message, only.clientId(), only.qos()) ? 1 : 0;
        }
        // A client matched by overlapping filters gets one copy, at the highest QoS of those filters (MQTT-3.3.4-2).
        Map<String, Integer> targets = new HashMap<>();
        Map<String, List<Subscriber>> groups = null;
        for (Subscriber s : matched) {
            if (s.shareKey() != null) {
                if (groups == null) {
                    groups = new HashMap<>();
                }
                groups.computeIfAbsent(s.shareKey(), k -> new ArrayList<>()).add(s);
            } else if (!(s.noLocal() && s.clientId().equals(message.publisherId()))) { // MQTT-3.8.3-3
                targets.merge(s.clientId(), s.qos(), Math::max);
            }
        }
        int handed = 0;
        for (Map.Entry<String, Integer> target : targets.entrySet()) {
            if (toSubscriber(message, target.getKey(), target.getValue())) {
                handed++;
            }
        }
        if (groups != null) {
            for (Map.Entry<String, List<Subscriber>> group : groups.entrySet()) {
                if (toGroup(message, message.qos(), group.getKey(), group.getValue(), null)) {
                    handed++;
                }
            }
        }
        return handed;
    }

    private boolean toSubscriber(PublishMessage message, String clientId, int subscriptionQos) {
        Session session = registry.get(clientId);
        return session != null
                && hand(session, new Delivery(message, policy.deliveredQos(message.qos(), subscriptionQos)));
    }

    /**
     * Shared deliveries a departed member never had acknowledged go to another member of their group; with no
     * other member they are dropped and counted.
     */
    public void redeliver(List<Delivery> orphans, String departedClientId) {
        for (Delivery orphan : orphans) {
            List<Subscriber> members = new ArrayList<>();
            trie.match(orphan.message().topic(), s -> {
                if (orphan.shareKey().equals(s.shareKey()) && !s.clientId().equals(departedClientId)) {
                    members.add(s);
                }
            });
            if (!toGroup(orphan.message(), orphan.qos(), orphan.shareKey(), members, departedClientId)) {
                metrics.droppedNoShareMember.increment();
            }
        }
    }

    private boolean toGroup(PublishMessage message, int publisherQos, String shareKey, List<Subscriber> members,
                            String excluded) {
        if (members.isEmpty()) {
            return false;
        }
        members.sort((a, b) -> a.clientId().compareTo(b.clientId())); // a stable order for round robin
        if (groupCursors.size() > MAX_GROUP_CURSORS) {
            groupCursors.clear(); // share names are client-chosen; restarting the rotation is harmless
        }
        AtomicInteger cursor = groupCursors.computeIfAbsent(shareKey, k -> new AtomicInteger());
        int start = Math.floorMod(cursor.getAndIncrement(), members.size());
        Session least = null; // the online member with the least waiting, when every online member is behind
        Subscriber leastMember = null;
        int leastLoad = Integer.MAX_VALUE;
        Session offline = null; // the first member in turn whose session keeps messages offline
        Subscriber offlineMember = null;
        for (int i = 0; i < members.size(); i++) {
            Subscriber member = members.get((start + i) % members.size());
            Session session = registry.get(member.clientId());
            if (session == null || member.clientId().equals(excluded)) {
                continue;
            }
            if (session.connection() != null) {
                int load = session.sharedLoad();
                if (load < behindAt) {
                    if (i > 0) {
                        // The member after the one passed over takes the next turn too, not twice its share.
                        cursor.addAndGet(i);
                        metrics.sharedPassedOver.increment();
                    }
                    return handShared(session, shared(message, publisherQos, member, shareKey));
                }
                if (load < leastLoad) {
                    least = session;
                    leastMember = member;
                    leastLoad = load;
                }
            } else if (offline == null && session.persistent()) {
                offline = session;
                offlineMember = member;
            }
        }
        if (least != null) {
            return handShared(least, shared(message, publisherQos, leastMember, shareKey));
        }
        return offline != null && handShared(offline, shared(message, publisherQos, offlineMember, shareKey));
    }

    /** Hands a shared delivery over, counting it as on its way to the member until its owner takes it. */
    private boolean handShared(Session session, Delivery delivery) {
        session.sharedHandedOver();
        if (hand(session, delivery)) {
            return true;
        }
        session.sharedArrived();
        return false;
    }

    private Delivery shared(PublishMessage message, int publisherQos, Subscriber member, String shareKey) {
        return new Delivery(message, policy.deliveredQos(publisherQos, member.qos()), shareKey);
    }

    private boolean hand(Session session, Delivery delivery) {
        if (session.owner().runOrExecute(() -> session.deliver(delivery))) {
            return true;
        }
        metrics.droppedOwnerBusy.increment();
        return false;
    }
}

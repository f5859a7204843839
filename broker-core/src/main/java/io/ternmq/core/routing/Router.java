package io.ternmq.core.routing;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
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
 * member in round-robin order that is keeping up (fewer than half of its queue bound waiting for it: queued, or
 * handed over and not yet taken by its owner), so a member that falls behind is passed over instead of
 * overflowing its queue; if every online member is behind, the one with the least waiting; with none online, the
 * next member whose session keeps messages offline. What a departing member held comes back here, the one route
 * for such messages ({@link #redeliver}).
 */
public final class Router implements SessionRegistry.SharedRedelivery {

    /** Round-robin positions by share key, at most this many (a bound on what clients can make it hold). */
    static final int MAX_GROUP_CURSORS = 65_536;

    private final TopicTrie<Subscriber> trie;
    private final PlatformPolicy policy;
    private final BrokerMetrics metrics;
    private final Map<String, AtomicInteger> groupCursors = new ConcurrentHashMap<>();
    /**
     * A shared-group member with this many messages waiting or more (queued, or on their way to its owner) is
     * behind: the next member gets the message.
     */
    private final int behindAt;

    public Router(TopicTrie<Subscriber> trie, PlatformPolicy policy, BrokerMetrics metrics) {
        this.trie = trie;
        this.policy = policy;
        this.metrics = metrics;
        this.behindAt = policy.sharedMemberBehindAt();
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
            return !local && hand(only.session(), delivery(message, message.qos(), only, null)) ? 1 : 0;
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
            if (hand(target.getKey(), d)) {
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

    /**
     * Shared deliveries a departed member never had acknowledged go to another member of their group. Returns
     * those no other member could take, for the caller to keep or drop.
     */
    @Override
    public List<Delivery> redeliver(List<Delivery> orphans, String departedClientId) {
        List<Delivery> left = new ArrayList<>(0);
        for (Delivery orphan : orphans) {
            List<Subscriber> members = new ArrayList<>();
            trie.match(orphan.message().topic(), s -> {
                if (orphan.shareKey().equals(s.shareKey()) && !s.clientId().equals(departedClientId)) {
                    members.add(s);
                }
            });
            if (!toGroup(orphan.message(), orphan.qos(), orphan.shareKey(), members, departedClientId)) {
                left.add(orphan);
            }
        }
        return left;
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
        Subscriber least = null; // the online member with the least waiting, when every online member is behind
        int leastLoad = Integer.MAX_VALUE;
        Subscriber offline = null; // the first member in turn whose session keeps messages offline
        for (int i = 0; i < members.size(); i++) {
            Subscriber member = members.get((start + i) % members.size());
            Session session = member.session();
            if (member.clientId().equals(excluded)) {
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
                    return handShared(member, message, publisherQos, shareKey);
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
            return handShared(least, message, publisherQos, shareKey);
        }
        return offline != null && handShared(offline, message, publisherQos, shareKey);
    }

    private Delivery delivery(PublishMessage message, int publisherQos, Subscriber subscriber, String shareKey) {
        return new Delivery(message, policy.deliveredQos(publisherQos, subscriber.qos()), shareKey);
    }

    /**
     * Hands a shared delivery over, counting it on the member as on its way until its owner takes it: this class
     * raises that count and lowers it, and nothing else does.
     */
    private boolean handShared(Subscriber member, PublishMessage message, int publisherQos, String shareKey) {
        Session session = member.session();
        Delivery delivery = delivery(message, publisherQos, member, shareKey);
        session.sharedHandedOver();
        if (session.owner().runOrExecute(() -> {
            session.sharedArrived();
            arrive(session, delivery);
        })) {
            return true;
        }
        session.sharedArrived();
        metrics.droppedOwnerBusy.increment();
        return false;
    }

    private boolean hand(Session session, Delivery delivery) {
        if (session.owner().runOrExecute(() -> arrive(session, delivery))) {
            return true;
        }
        metrics.droppedOwnerBusy.increment();
        return false;
    }

    /** On the target's owner: a session that ended since it was matched passes a shared message on. */
    private void arrive(Session session, Delivery delivery) {
        if (session.deliver(delivery)) {
            return;
        }
        if (delivery.shareKey() == null) {
            metrics.droppedOffline.increment();
        } else if (!redeliver(List.of(delivery), session.clientId()).isEmpty()) {
            metrics.droppedNoShareMember.increment();
        }
    }
}

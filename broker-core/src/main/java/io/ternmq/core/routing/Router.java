package io.ternmq.core.routing;

import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.session.Delivery;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import java.util.HashMap;
import java.util.Map;

/**
 * Fans one accepted PUBLISH out to the sessions whose filters match. Runs on the publisher's session owner, so
 * the messages of one publisher reach each subscriber's owner in the order they were published. Handing a
 * message to another owner never blocks: if that owner's queue is full the message is dropped and counted.
 */
public final class Router {

    private final TopicTrie<Subscriber> trie;
    private final SessionRegistry registry;
    private final PlatformPolicy policy;
    private final BrokerMetrics metrics;

    public Router(TopicTrie<Subscriber> trie, SessionRegistry registry, PlatformPolicy policy, BrokerMetrics metrics) {
        this.trie = trie;
        this.registry = registry;
        this.policy = policy;
        this.metrics = metrics;
    }

    /** Routes the message; returns how many sessions it was handed to. */
    public int route(PublishMessage message) {
        // A client matched by overlapping filters gets one copy, at the highest QoS of those filters (MQTT-3.3.5-1).
        Map<String, Integer> targets = new HashMap<>();
        trie.match(message.topic(), s -> targets.merge(s.clientId(), s.qos(), Math::max));
        int handed = 0;
        for (Map.Entry<String, Integer> target : targets.entrySet()) {
            Session session = registry.get(target.getKey());
            if (session == null) {
                continue;
            }
            Delivery delivery = new Delivery(message, policy.deliveredQos(message.qos(), target.getValue()));
            if (session.owner().runOrExecute(() -> session.deliver(delivery))) {
                handed++;
            } else {
                metrics.droppedOwnerBusy.increment();
            }
        }
        return handed;
    }
}

package io.ternmq.core.session;

/** One session's subscription as the topic trie stores it: whose, and at which granted QoS. */
public record Subscriber(String clientId, int qos) {
}

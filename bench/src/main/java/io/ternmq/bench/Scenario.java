package io.ternmq.bench;

import java.util.Locale;

/**
 * The shape of a run: who publishes where, who subscribes to what, and how many copies of each message are owed.
 * The shapes are the field's (emqtt-bench's conn, pub and sub; the open MQTT benchmark's point-to-point,
 * fan-out and fan-in), and churn: clients that connect, are answered and disconnect, over and over.
 */
enum Scenario {
    CONN, PUB, SUB, P2P, FANOUT, FANIN, CHURN;

    static final String SHARE_GROUP = "bench";

    static Scenario parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scenario " + name
                    + ": allowed is one of conn, churn, pub, sub, p2p, fanout, fanin");
        }
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    int publishers(Options o) {
        return switch (this) {
            case CONN, CHURN, SUB -> 0;
            case FANOUT -> 1;
            case PUB, P2P, FANIN -> o.publishers();
        };
    }

    int subscribers(Options o) {
        return switch (this) {
            case CONN, CHURN, PUB -> 0;
            case P2P -> o.publishers();
            case SUB, FANOUT, FANIN -> o.subscribers();
        };
    }

    /** Copies of each published message the subscribers of this run are owed; -1 when not known (sub). */
    int receiversPerMessage(Options o) {
        return switch (this) {
            case CONN, CHURN, PUB -> 0;
            case SUB -> -1;
            case P2P, FANIN -> 1;
            case FANOUT -> o.subscribers();
        };
    }

    String topic(Options o, int publisher) {
        return switch (this) {
            case FANOUT -> o.topicPrefix() + "/fanout";
            default -> o.topicPrefix() + "/" + label() + "/" + publisher;
        };
    }

    String filter(Options o, int subscriber) {
        return switch (this) {
            case P2P -> o.topicPrefix() + "/p2p/" + subscriber;
            case FANOUT -> o.topicPrefix() + "/fanout";
            case FANIN -> "$share/" + SHARE_GROUP + "/" + o.topicPrefix() + "/fanin/+";
            case SUB -> o.topicPrefix() + "/sub/#";
            case CONN, CHURN, PUB -> throw new IllegalStateException(this + " has no subscribers");
        };
    }

    /** The scenarios that only connect: what a client signs in with can be chosen (--sign-in) for them. */
    boolean connectsOnly() {
        return this == CONN || this == CHURN;
    }

    /** Members of a shared subscription track one set of streams together: the group is owed one copy. */
    boolean sharedSubscription() {
        return this == FANIN;
    }
}

package io.ternmq.core.topic;

/**
 * A topic filter as a client wrote it in SUBSCRIBE, split into what the trie matches and, for a shared
 * subscription {@code $share/{group}/{filter}} (MQTT 5 4.8.2, also offered to 3.1.1 clients), the group.
 *
 * @param full       the filter as subscribed, the session's key for it
 * @param trieFilter the filter the topic trie matches
 * @param shareGroup the share name, or null for an ordinary subscription
 */
public record SubscriptionFilter(String full, String trieFilter, String shareGroup) {

    private static final String SHARE_PREFIX = "$share/";

    /** Parses a filter; returns null when it is not a valid filter within maxLength characters. */
    public static SubscriptionFilter parse(String filter, int maxLength) {
        if (Topics.checkFilter(filter, maxLength) != TopicCheck.OK) {
            return null;
        }
        if (!filter.startsWith(SHARE_PREFIX)) {
            return new SubscriptionFilter(filter, filter, null);
        }
        int slash = filter.indexOf('/', SHARE_PREFIX.length());
        if (slash < 0) {
            return null; // MQTT-4.8.2-2: "$share/{name}" needs a filter after the name
        }
        String group = filter.substring(SHARE_PREFIX.length(), slash);
        String inner = filter.substring(slash + 1);
        // MQTT-4.8.2-1: the share name is at least one character and holds no '/', '+' or '#'.
        if (group.isEmpty() || group.indexOf('+') >= 0 || group.indexOf('#') >= 0
                || Topics.checkFilter(inner, maxLength) != TopicCheck.OK) {
            return null;
        }
        return new SubscriptionFilter(filter, inner, group);
    }

    public boolean shared() {
        return shareGroup != null;
    }

    /** The trie key of this session's subscription: the client id, made unique per share group. */
    public String trieKey(String clientId) {
        // U+0000 cannot appear in a decoded client id or share name, so the two kinds of key never collide.
        return shareGroup == null ? clientId : "\u0000" + full + "\u0000" + clientId;
    }
}

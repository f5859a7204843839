package io.ternmq.core.session;

/**
 * One session's subscription as the topic trie stores it: the matched session itself, so routing a message needs
 * no lookup by client id.
 *
 * @param session  the subscriber
 * @param qos      the granted QoS
 * @param noLocal  MQTT 5 No Local: never deliver the subscriber's own messages (MQTT-3.8.3-3)
 * @param shareKey the full {@code $share/{group}/{filter}} of a shared subscription, or null
 * @param filter   the filter as subscribed ({@code $share/...} included), for who asks what a topic reaches; the
 *                 string the session stores anyway, so a reference more (the record's padding holds it)
 */
public record Subscriber(Session session, int qos, boolean noLocal, String shareKey, String filter) {

    public String clientId() {
        return session.clientId();
    }
}

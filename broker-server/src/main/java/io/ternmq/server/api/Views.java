package io.ternmq.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.connection.ConnectionInfo;
import io.ternmq.core.auth.TlsIdentity;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.StoredSubscription;
import io.ternmq.core.trace.MessageTrace;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.List;

/** What the API answers, as records Jackson writes; the shapes are the schemas of docs/openapi.yaml. */
final class Views {

    private Views() {
    }

    /** A page of a list: the items, and where they sit among all that matched. */
    record Page<T>(List<T> data, Meta meta) {
        record Meta(int page, int limit, int count, boolean hasNext) {
        }

        static <T> Page<T> of(List<T> all, int page, int limit) {
            int from = (int) Math.min(all.size(), (long) (page - 1) * limit);
            int to = Math.min(all.size(), from + limit);
            return new Page<>(List.copyOf(all.subList(from, to)), new Meta(page, limit, all.size(), to < all.size()));
        }
    }

    record ClientView(String clientId, String username, String transport, String protocolVersion, String address,
                      int keepalive, Instant connectedAt) {

        /** On the session's owner: null when it has no connection now. */
        static ClientView of(Session session) {
            Connection c = session.connection();
            if (c == null) {
                return null;
            }
            ConnectionInfo info = c.info();
            return new ClientView(session.clientId(), info.username(), c.transport(), MessageTrace.versionName(c.protocolLevel()),
                    Views.address(c.remoteAddress()), info.keepaliveSeconds(), Instant.ofEpochMilli(info.connectedAtMillis()));
        }
    }

    record SubscriptionView(String topicFilter, int qos, boolean noLocal) {
        static List<SubscriptionView> of(Session session) {
            return session.subscriptions().stream().map(SubscriptionView::of).toList();
        }

        static SubscriptionView of(StoredSubscription s) {
            return new SubscriptionView(s.filter(), s.grantedQos(), s.noLocal());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TlsView(String subject, String issuer, String serialNumber, List<String> alternativeNames) {
        static TlsView of(TlsIdentity identity) {
            return identity == null ? null : new TlsView(identity.subject(), identity.issuer(),
                    identity.serialNumber(), identity.alternativeNames());
        }
    }

    /** A row of the clients list: the client and its queues, read on the session's owner. */
    record ClientEntry(String clientId, String username, String transport, String protocolVersion, String address,
                       int keepalive, Instant connectedAt, int inflight, int queued) {
        /** On the session's owner: null when it has no connection now. */
        static ClientEntry of(Session session) {
            ClientView v = ClientView.of(session);
            return v == null ? null : new ClientEntry(v.clientId(), v.username(), v.transport(), v.protocolVersion(),
                    v.address(), v.keepalive(), v.connectedAt(), session.inflight(), session.queued());
        }
    }

    record ClientDetail(String clientId, String username, String transport, String protocolVersion, String address,
                        int keepalive, Instant connectedAt, boolean persistent, long sessionExpiryInterval,
                        int inflight, int queued, List<SubscriptionView> subscriptions, TlsView tlsIdentity) {

        static ClientDetail of(Session session) {
            ClientView v = ClientView.of(session);
            if (v == null) {
                return null;
            }
            return new ClientDetail(v.clientId(), v.username(), v.transport(), v.protocolVersion(), v.address(),
                    v.keepalive(), v.connectedAt(), session.persistent(), session.expiryIntervalSeconds(),
                    session.inflight(), session.queued(), SubscriptionView.of(session),
                    TlsView.of(session.connection().info().tlsIdentity()));
        }
    }

    record SessionView(String clientId, boolean connected, boolean persistent, long sessionExpiryInterval,
                       int subscriptions, int inflight, int queued) {
        static SessionView of(Session session) {
            return new SessionView(session.clientId(), session.connection() != null, session.persistent(),
                    session.expiryIntervalSeconds(), session.subscriptionCount(), session.inflight(), session.queued());
        }
    }

    record SessionDetail(String clientId, boolean connected, boolean persistent, long sessionExpiryInterval,
                         int inflight, int queued, List<SubscriptionView> subscriptions, ClientView connection) {
        static SessionDetail of(Session session) {
            return new SessionDetail(session.clientId(), session.connection() != null, session.persistent(),
                    session.expiryIntervalSeconds(), session.inflight(), session.queued(),
                    SubscriptionView.of(session), ClientView.of(session));
        }
    }

    record SubscriptionEntry(String clientId, String topicFilter, int qos, boolean noLocal) {
    }

    record TopicMatch(String topic, int sessions, List<Reached> subscriptions) {
        /** @param shareKey {@code $share/{group}/{filter}} of a shared subscription, or null */
        record Reached(String clientId, String topicFilter, int qos, boolean noLocal, String shareKey) {
        }
    }

    record Kicked(String clientId, boolean sessionDiscarded) {
    }

    record Ended(String clientId) {
    }

    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    static List<List<String>> pairs(List<UserProperty> properties) {
        return properties.stream().map(p -> List.of(p.key(), p.value())).toList();
    }
}

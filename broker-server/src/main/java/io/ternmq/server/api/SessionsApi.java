package io.ternmq.server.api;

import io.netty.handler.codec.http.HttpMethod;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.StoredSubscription;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicCheck;
import io.ternmq.core.topic.TopicTrie;
import io.ternmq.core.topic.Topics;
import io.ternmq.server.api.Views.ClientDetail;
import io.ternmq.server.api.Views.ClientEntry;
import io.ternmq.server.api.Views.ClientView;
import io.ternmq.server.api.Views.Page;
import io.ternmq.server.api.Views.SessionDetail;
import io.ternmq.server.api.Views.SessionView;
import io.ternmq.server.api.Views.SubscriptionEntry;
import io.ternmq.server.api.Views.TopicMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * Clients (sessions with a connection), sessions (offline persistent ones too), their subscriptions, and which
 * sessions a topic reaches. Lists are sorted by client id and paged; what is read of a session is read on its
 * owner.
 */
final class SessionsApi {

    static final int MAX_LIMIT = 1000;
    private static final Set<String> TRANSPORTS = Set.of("tcp", "tls", "quic");
    private static final Set<String> VERSIONS = Set.of("3.1", "3.1.1", "5.0");

    private final SessionRegistry registry;
    private final TopicTrie<Subscriber> trie;
    private final int maxTopicLength;
    private final Executor lists;

    /** @param lists where lists of sessions are gathered: off the event loops, bounded */
    SessionsApi(SessionRegistry registry, TopicTrie<Subscriber> trie, int maxTopicLength, Executor lists) {
        this.registry = registry;
        this.trie = trie;
        this.maxTopicLength = maxTopicLength;
        this.lists = lists;
    }

    List<Route> routes() {
        return List.of(
                new Route(HttpMethod.GET, "/api/v1/clients", true, this::clients),
                new Route(HttpMethod.GET, "/api/v1/clients/{clientId}", true, this::client),
                new Route(HttpMethod.DELETE, "/api/v1/clients/{clientId}", true, this::kick),
                new Route(HttpMethod.GET, "/api/v1/sessions", true, this::sessions),
                new Route(HttpMethod.GET, "/api/v1/sessions/{clientId}", true, this::session),
                new Route(HttpMethod.DELETE, "/api/v1/sessions/{clientId}", true, this::end),
                new Route(HttpMethod.GET, "/api/v1/subscriptions", true, this::subscriptions),
                new Route(HttpMethod.GET, "/api/v1/topics", true, this::topics));
    }

    private CompletionStage<ApiResponse> clients(ApiRequest r) {
        r.onlyQuery(Set.of("clientId", "username", "transport", "protocolVersion", "page", "limit"));
        String prefix = r.query("clientId");
        String username = r.query("username");
        String transport = r.wordQuery("transport", TRANSPORTS);
        String version = r.wordQuery("protocolVersion", VERSIONS);
        int page = r.intQuery("page", 1, 1, Integer.MAX_VALUE);
        int limit = r.intQuery("limit", 100, 1, MAX_LIMIT);
        Predicate<ClientView> wanted = c -> (username == null || username.equals(c.username()))
                && (transport == null || transport.equals(c.transport()))
                && (version == null || version.equals(c.protocolVersion()));
        // What a client view holds is fixed at CONNECT (behind the session's volatile connection): filtered here,
        // on the API's thread; only the page's sessions are asked on their owners for their queues.
        return sorted(s -> {
            ClientView v = prefix == null || s.clientId().startsWith(prefix) ? ClientView.of(s) : null;
            return v != null && wanted.test(v);
        }).thenCompose(candidates -> {
            Page<Session> window = Page.of(candidates, page, limit);
            return OwnerCalls.onEach(window.data(), ClientEntry::of).thenApply(entries -> ApiResponse.ok(
                    new Page<>(entries.stream().filter(Objects::nonNull).toList(), window.meta())));
        });
    }

    private CompletionStage<ApiResponse> client(ApiRequest r) {
        r.onlyQuery(Set.of());
        Session session = existing(r.pathParam(0));
        return OwnerCalls.on(session, ClientDetail::of).thenApply(d -> {
            if (d == null) {
                throw notConnected(r.pathParam(0));
            }
            return ApiResponse.ok(d);
        });
    }

    /** Closes the client's connection (MQTT 5: DISCONNECT 0x98); its persistent session stays unless asked. */
    private CompletionStage<ApiResponse> kick(ApiRequest r) {
        r.onlyQuery(Set.of("session"));
        boolean discard = "discard".equals(r.wordQuery("session", Set.of("keep", "discard")));
        Session session = existing(r.pathParam(0));
        return OwnerCalls.on(session, s -> {
            Connection c = s.connection();
            if (registry.get(s.clientId()) != s || c == null) {
                throw notConnected(s.clientId()); // ended, or taken over by a newer session, meanwhile
            }
            c.close(CloseReason.ADMINISTRATIVE_ACTION);
            boolean ends = discard || s.expiryIntervalSeconds() == 0;
            if (discard) {
                registry.end(s);
            }
            return ApiResponse.ok(new Views.Kicked(s.clientId(), ends));
        });
    }

    private CompletionStage<ApiResponse> sessions(ApiRequest r) {
        r.onlyQuery(Set.of("clientId", "connected", "page", "limit"));
        String prefix = r.query("clientId");
        String connected = r.wordQuery("connected", Set.of("true", "false"));
        int page = r.intQuery("page", 1, 1, Integer.MAX_VALUE);
        int limit = r.intQuery("limit", 100, 1, MAX_LIMIT);
        return sorted(s -> (prefix == null || s.clientId().startsWith(prefix))
                && (connected == null || (s.connection() != null) == Boolean.parseBoolean(connected)))
                .thenCompose(candidates -> {
                    Page<Session> window = Page.of(candidates, page, limit);
                    return OwnerCalls.onEach(window.data(), SessionView::of).thenApply(views -> ApiResponse.ok(
                            new Page<>(views, window.meta())));
                });
    }

    private CompletionStage<ApiResponse> session(ApiRequest r) {
        r.onlyQuery(Set.of());
        return OwnerCalls.on(existing(r.pathParam(0)), SessionDetail::of).thenApply(ApiResponse::ok);
    }

    /** Ends the session: its subscriptions and queue go; a connected client is closed with 0x98. */
    private CompletionStage<ApiResponse> end(ApiRequest r) {
        r.onlyQuery(Set.of());
        return OwnerCalls.on(existing(r.pathParam(0)), s -> {
            if (registry.get(s.clientId()) != s) {
                throw ApiException.notFound("no session of client id '" + s.clientId() + "'");
            }
            Connection c = s.connection();
            if (c != null) {
                c.close(CloseReason.ADMINISTRATIVE_ACTION);
            }
            registry.end(s);
            return ApiResponse.ok(new Views.Ended(s.clientId()));
        });
    }

    private CompletionStage<ApiResponse> subscriptions(ApiRequest r) {
        r.onlyQuery(Set.of("clientId", "topicFilter", "page", "limit"));
        String clientId = r.query("clientId");
        String filter = r.query("topicFilter");
        int page = r.intQuery("page", 1, 1, Integer.MAX_VALUE);
        int limit = r.intQuery("limit", 100, 1, MAX_LIMIT);
        Session only = clientId == null ? null : registry.get(clientId);
        CompletableFuture<List<Session>> candidates = clientId == null ? sorted(s -> true)
                : CompletableFuture.completedFuture(only == null ? List.of() : List.of(only));
        return candidates.thenCompose(list -> OwnerCalls.onEach(list, s -> {
            List<SubscriptionEntry> entries = new ArrayList<>();
            for (StoredSubscription sub : s.subscriptions()) {
                if (filter == null || filter.equals(sub.filter())) {
                    entries.add(new SubscriptionEntry(s.clientId(), sub.filter(), sub.grantedQos(), sub.noLocal()));
                }
            }
            return entries;
        })).thenApply(lists -> ApiResponse.ok(Page.of(lists.stream().flatMap(List::stream).toList(), page, limit)));
    }

    private CompletionStage<ApiResponse> topics(ApiRequest r) {
        r.onlyQuery(Set.of("match"));
        String topic = r.query("match");
        if (topic == null) {
            throw ApiException.badField("match", "required: the topic name to match");
        }
        TopicCheck check = Topics.checkName(topic, maxTopicLength);
        if (!check.ok()) {
            throw ApiException.badField("match", "not a topic name: " + check.describe());
        }
        List<TopicMatch.Reached> reached = new ArrayList<>();
        Set<String> sessions = new HashSet<>();
        trie.match(topic, s -> {
            reached.add(new TopicMatch.Reached(s.clientId(), s.filter(), s.qos(), s.noLocal(), s.shareKey()));
            sessions.add(s.clientId());
        });
        reached.sort(Comparator.comparing(TopicMatch.Reached::clientId));
        return CompletableFuture.completedFuture(ApiResponse.ok(new TopicMatch(topic, sessions.size(), reached)));
    }

    /**
     * The sessions wanted, sorted by client id, gathered on the API's own thread: a walk and a sort over every
     * session (tens of milliseconds at 100,000) must not hold up an event loop that also carries MQTT.
     */
    private CompletableFuture<List<Session>> sorted(Predicate<Session> wanted) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                List<Session> out = new ArrayList<>();
                for (Session s : registry.all()) {
                    if (wanted.test(s)) {
                        out.add(s);
                    }
                }
                out.sort(Comparator.comparing(Session::clientId));
                return out;
            }, lists);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(ApiException.unavailable("busy",
                    "too many lists are being made; try again"));
        }
    }

    private Session existing(String clientId) {
        Session s = registry.get(clientId);
        if (s == null) {
            throw ApiException.notFound("no session of client id '" + clientId + "'");
        }
        return s;
    }

    private static ApiException notConnected(String clientId) {
        return ApiException.notFound("client '" + clientId + "' is not connected");
    }
}

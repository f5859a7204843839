package io.ternmq.server.api;

import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionOwner;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Reads and changes sessions where they live: a session's state belongs to its owner thread, so the API asks the
 * owner and answers when it has run. One task per owner for a page of sessions. An owner whose task queue is full
 * makes the call a 503, as it makes a delivery a drop.
 */
final class OwnerCalls {

    private OwnerCalls() {
    }

    /** Runs {@code work} on the session's owner. */
    static <T> CompletableFuture<T> on(Session session, Function<Session, T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!session.owner().tryExecute(() -> complete(result, work, session))) {
            result.completeExceptionally(busy());
        }
        return result;
    }

    /** Runs {@code work} for each session on its owner; the results come in the order of the sessions. */
    static <T> CompletableFuture<List<T>> onEach(List<Session> sessions, Function<Session, T> work) {
        Map<SessionOwner, List<Integer>> byOwner = new IdentityHashMap<>();
        for (int i = 0; i < sessions.size(); i++) {
            byOwner.computeIfAbsent(sessions.get(i).owner(), o -> new ArrayList<>()).add(i);
        }
        Object[] results = new Object[sessions.size()];
        List<CompletableFuture<Void>> parts = new ArrayList<>(byOwner.size());
        for (Map.Entry<SessionOwner, List<Integer>> e : byOwner.entrySet()) {
            CompletableFuture<Void> part = new CompletableFuture<>();
            parts.add(part);
            boolean queued = e.getKey().tryExecute(() -> {
                try {
                    for (int i : e.getValue()) {
                        results[i] = work.apply(sessions.get(i));
                    }
                    part.complete(null);
                } catch (RuntimeException ex) {
                    part.completeExceptionally(ex);
                }
            });
            if (!queued) {
                part.completeExceptionally(busy());
            }
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<T> out = new ArrayList<>(results.length);
            for (Object r : results) {
                @SuppressWarnings("unchecked")
                T t = (T) r;
                out.add(t);
            }
            return out;
        });
    }

    private static <T> void complete(CompletableFuture<T> result, Function<Session, T> work, Session session) {
        try {
            result.complete(work.apply(session));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private static ApiException busy() {
        return ApiException.unavailable("busy", "the broker is too busy to answer now; try again");
    }
}

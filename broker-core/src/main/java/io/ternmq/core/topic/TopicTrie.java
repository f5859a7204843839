package io.ternmq.core.topic;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A concurrent subscription trie. {@code S} is the value stored per subscriber key on a filter.
 *
 * <p>Readers ({@link #match}) never lock: they walk concurrent maps and volatile fields, so a match running
 * alongside a write sees the subscription either before or after it. Writers are rare and serialized by one lock,
 * which keeps pruning simple: a node is only ever detached or attached by the lock holder, and a reader still
 * holding a detached node just sees an empty one.
 *
 * <p>Filters are split on '/' keeping empty levels ("/a" is "" then "a"). Filters must already be valid
 * ({@link Topics#checkFilter}); topics passed to {@link #match} should be valid names.
 */
public final class TopicTrie<S> {

    private static final String SINGLE = "+";
    private static final String MULTI = "#";

    private final Node<S> root = new Node<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Filters per subscriber key, so unsubscribeAll need not scan the trie. Guarded by writeLock. */
    private final Map<String, Set<String>> filtersByKey = new HashMap<>();
    private volatile int size;

    /** Adds or replaces the subscription of {@code subscriberKey} on {@code filter}. Returns true if it was new. */
    public boolean subscribe(String filter, String subscriberKey, S value) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(subscriberKey, "subscriberKey");
        Objects.requireNonNull(value, "value");
        writeLock.lock();
        try {
            Node<S> node = root;
            int start = 0;
            while (true) {
                int end = levelEnd(filter, start);
                node = node.childOrCreate(filter.substring(start, end));
                if (end == filter.length()) {
                    break;
                }
                start = end + 1;
            }
            if (node.subscribers.put(subscriberKey, value) != null) {
                return false;
            }
            filtersByKey.computeIfAbsent(subscriberKey, k -> new HashSet<>()).add(filter);
            size++;
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes the subscription of {@code subscriberKey} on {@code filter}; true if it existed. */
    public boolean unsubscribe(String filter, String subscriberKey) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(subscriberKey, "subscriberKey");
        writeLock.lock();
        try {
            if (!remove(filter, subscriberKey)) {
                return false;
            }
            Set<String> filters = filtersByKey.get(subscriberKey);
            filters.remove(filter);
            if (filters.isEmpty()) {
                filtersByKey.remove(subscriberKey);
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes every subscription of {@code subscriberKey} (a session that ends); returns how many there were. */
    public int unsubscribeAll(String subscriberKey) {
        Objects.requireNonNull(subscriberKey, "subscriberKey");
        writeLock.lock();
        try {
            Set<String> filters = filtersByKey.remove(subscriberKey);
            if (filters == null) {
                return 0;
            }
            for (String filter : filters) {
                remove(filter, subscriberKey);
            }
            return filters.size();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Calls {@code sink} once for every (filter, subscriber) subscription matching {@code topic}. A subscriber with
     * two matching filters is reported twice; the caller dedupes. A filter starting with '+' or '#' does not match
     * a topic starting with '$' (MQTT5-4.7.2-1). 'a/#' matches 'a' too (MQTT5-4.7.1-1), and '+' matches an empty
     * level.
     */
    public void match(String topic, Consumer<S> sink) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(sink, "sink");
        String[] levels = splitLevels(topic);
        int depth = levels.length;
        boolean systemTopic = !topic.isEmpty() && topic.charAt(0) == '$';

        // Depth-first walk with an explicit stack, so a topic with very many levels cannot overflow the call stack.
        // Each popped entry pushes at most two, so the stack never holds more than depth + 1 entries.
        @SuppressWarnings("unchecked")
        Node<S>[] nodes = (Node<S>[]) new Node<?>[Math.min(depth + 1, 16)];
        int[] next = new int[nodes.length];
        nodes[0] = root;
        next[0] = 0;
        int top = 1;
        while (top > 0) {
            top--;
            Node<S> node = nodes[top];
            int level = next[top];
            nodes[top] = null;
            boolean wildcardsAllowed = !(systemTopic && node == root);

            Node<S> multi = node.multi;
            if (level == depth) {
                node.subscribers.values().forEach(sink);
                if (multi != null) {
                    multi.subscribers.values().forEach(sink);
                }
                continue;
            }
            if (multi != null && wildcardsAllowed) {
                multi.subscribers.values().forEach(sink);
            }
            if (top + 2 > nodes.length) {
                nodes = Arrays.copyOf(nodes, Math.max(top + 2, Math.min(nodes.length * 2, depth + 1)));
                next = Arrays.copyOf(next, nodes.length);
            }
            Node<S> exact = node.children.get(levels[level]);
            if (exact != null) {
                nodes[top] = exact;
                next[top++] = level + 1;
            }
            Node<S> single = node.single;
            if (single != null && wildcardsAllowed) {
                nodes[top] = single;
                next[top++] = level + 1;
            }
        }
    }

    /** Number of subscriptions. */
    public int size() {
        return size;
    }

    /** Number of nodes below the root, counted by walking the trie; for tests that check pruning. */
    int nodeCount() {
        int count = 0;
        ArrayDeque<Node<S>> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Node<S> node = pending.pop();
            for (Node<S> child : node.children.values()) {
                pending.push(child);
            }
            if (node.single != null) {
                pending.push(node.single);
            }
            if (node.multi != null) {
                pending.push(node.multi);
            }
            if (node != root) {
                count++;
            }
        }
        return count;
    }

    /** Removes one subscription and prunes the nodes it leaves empty. Caller holds writeLock. */
    private boolean remove(String filter, String subscriberKey) {
        String[] levels = splitLevels(filter);
        @SuppressWarnings("unchecked")
        Node<S>[] path = (Node<S>[]) new Node<?>[levels.length + 1];
        path[0] = root;
        for (int i = 0; i < levels.length; i++) {
            path[i + 1] = path[i].child(levels[i]);
            if (path[i + 1] == null) {
                return false;
            }
        }
        if (path[levels.length].subscribers.remove(subscriberKey) == null) {
            return false;
        }
        size--;
        for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
            path[i - 1].detach(levels[i - 1]);
        }
        return true;
    }

    private static int levelEnd(String topic, int start) {
        int slash = topic.indexOf('/', start);
        return slash < 0 ? topic.length() : slash;
    }

    /** Splits on '/' keeping empty levels, without a regex. */
    private static String[] splitLevels(String topic) {
        int count = 1;
        for (int i = topic.indexOf('/'); i >= 0; i = topic.indexOf('/', i + 1)) {
            count++;
        }
        String[] levels = new String[count];
        int start = 0;
        for (int i = 0; i < count; i++) {
            int end = levelEnd(topic, start);
            levels[i] = topic.substring(start, end);
            start = end + 1;
        }
        return levels;
    }

    private static final class Node<S> {
        final ConcurrentHashMap<String, Node<S>> children = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, S> subscribers = new ConcurrentHashMap<>();
        /** The '+' child. Written only under writeLock. */
        volatile Node<S> single;
        /** The '#' child; it has subscribers and never children. Written only under writeLock. */
        volatile Node<S> multi;

        Node<S> child(String level) {
            if (SINGLE.equals(level)) {
                return single;
            }
            if (MULTI.equals(level)) {
                return multi;
            }
            return children.get(level);
        }

        /** Caller holds writeLock, so get-then-put cannot race another writer. */
        Node<S> childOrCreate(String level) {
            Node<S> child = child(level);
            if (child != null) {
                return child;
            }
            child = new Node<>();
            if (SINGLE.equals(level)) {
                single = child;
            } else if (MULTI.equals(level)) {
                multi = child;
            } else {
                children.put(level, child);
            }
            return child;
        }

        void detach(String level) {
            if (SINGLE.equals(level)) {
                single = null;
            } else if (MULTI.equals(level)) {
                multi = null;
            } else {
                children.remove(level);
            }
        }

        boolean isEmpty() {
            return subscribers.isEmpty() && children.isEmpty() && single == null && multi == null;
        }
    }
}

package io.ternmq.core.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's (or session's) recent {@link Permissions} decisions, so the hot path does not walk an ACL for
 * every message: a device publishing to its few topics is judged once per topic. Bounded ({@value #ENTRIES}
 * topics for each kind of decision, the least recently used dropped) and not thread-safe: each user keeps its own
 * on the one thread that asks (the connection's event loop for publish and subscribe, the session's owner for
 * delivery). A decision lasts as long as the connection: a changed ACL file applies from the next sign-in.
 */
public final class CachedPermissions {

    static final int ENTRIES = 64;

    private final Permissions permissions;
    private final Map<String, Boolean> publish = lru();
    private final Map<String, Boolean> receive = lru();

    public CachedPermissions(Permissions permissions) {
        this.permissions = permissions;
    }

    public boolean mayPublish(String topic) {
        if (permissions == Permissions.ALL) {
            return true;
        }
        Boolean known = publish.get(topic);
        if (known == null) {
            known = permissions.mayPublish(topic);
            publish.put(topic, known);
        }
        return known;
    }

    /** Not cached: a SUBSCRIBE is rare next to messages. */
    public boolean maySubscribe(String filter) {
        return permissions == Permissions.ALL || permissions.maySubscribe(filter);
    }

    public boolean mayReceive(String topic) {
        if (!permissions.checksDelivery()) {
            return true;
        }
        Boolean known = receive.get(topic);
        if (known == null) {
            known = permissions.mayReceive(topic);
            receive.put(topic, known);
        }
        return known;
    }

    private static Map<String, Boolean> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > ENTRIES;
            }
        };
    }
}

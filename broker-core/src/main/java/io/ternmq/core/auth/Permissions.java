package io.ternmq.core.auth;

/**
 * Where one signed-in client may publish and subscribe, and which messages it may receive. The protocol handlers
 * ask it through a per-connection cache ({@link CachedPermissions}), so an implementation may be as slow as an ACL
 * walk but must be thread-safe and must not block.
 */
public interface Permissions {

    /** Everything: anonymous clients without an ACL file, users without one. */
    Permissions ALL = new Permissions() {
        @Override
        public boolean mayPublish(String topic) {
            return true;
        }

        @Override
        public boolean maySubscribe(String filter) {
            return true;
        }

        @Override
        public String toString() {
            return "all topics";
        }
    };

    boolean mayPublish(String topic);

    /** A topic filter, wildcards included, as the client sent it (a shared one without its $share/group/). */
    boolean maySubscribe(String filter);

    /**
     * Whether a message on {@code topic} that a subscription matched may be delivered: Mosquitto checks an ACL's
     * read rules again at delivery (a wildcard filter may cover a topic a deny rule closes). Asked only when
     * {@link #checksDelivery()}.
     */
    default boolean mayReceive(String topic) {
        return true;
    }

    /** True when {@link #mayReceive} can say no, so delivery asks it. */
    default boolean checksDelivery() {
        return false;
    }
}

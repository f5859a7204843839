package io.ternmq.auth.acl;

import io.ternmq.core.auth.Permissions;
import io.ternmq.core.topic.Topics;
import java.util.List;

/**
 * One client's rules out of an ACL file: its user's topics and the patterns filled in with its client id and user
 * name, fixed at sign-in. A matching deny rule wins; otherwise a rule granting the access must match; else no.
 */
final class AclPermissions implements Permissions {

    private final String who;
    private final List<AclRule> denies;
    private final List<AclRule> grants;
    private final boolean denyAll;

    /**
     * @param denyAll true when a deny pattern could not be filled in safely (a '+', '#' or '/' in the client id or
     *                user name it names): it might have matched anything, so nothing is allowed
     */
    AclPermissions(String who, List<AclRule> denies, List<AclRule> grants, boolean denyAll) {
        this.who = who;
        this.denies = List.copyOf(denies);
        this.grants = List.copyOf(grants);
        this.denyAll = denyAll;
    }

    @Override
    public boolean mayPublish(String topic) {
        return allowed(topic, AclRule.WRITE);
    }

    /**
     * The filter is taken as a topic and matched against each rule, as Mosquitto does: a rule {@code a/#} allows
     * {@code a/#} and {@code a/+}, not {@code #}. A filter wider than the rules is then narrowed at delivery by
     * {@link #mayReceive}.
     */
    @Override
    public boolean maySubscribe(String filter) {
        return allowed(filter, AclRule.READ);
    }

    @Override
    public boolean mayReceive(String topic) {
        return allowed(topic, AclRule.READ);
    }

    @Override
    public boolean checksDelivery() {
        return true;
    }

    private boolean allowed(String topic, int access) {
        if (denyAll) {
            return false;
        }
        for (AclRule rule : denies) {
            if (Topics.matches(rule.topic(), topic)) {
                return false;
            }
        }
        for (AclRule rule : grants) {
            if ((rule.access() & access) != 0 && Topics.matches(rule.topic(), topic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "the ACL of " + who + " (" + grants.size() + " rules, " + denies.size() + " denials"
                + (denyAll ? ", all denied" : "") + ")";
    }
}

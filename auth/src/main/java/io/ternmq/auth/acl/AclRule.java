package io.ternmq.auth.acl;

/**
 * One {@code topic} or {@code pattern} line of an ACL file.
 *
 * @param access  {@link #READ}, {@link #WRITE}, both, or {@link #DENY} (0)
 * @param topic   the rule's topic filter; for a pattern still with its {@code %c} and {@code %u}
 * @param line    where it is in the file, for messages
 */
record AclRule(int access, String topic, int line) {

    static final int DENY = 0;
    static final int READ = 1;
    static final int WRITE = 2;

    boolean deny() {
        return access == DENY;
    }

    boolean usesClientId() {
        return topic.contains("%c");
    }

    boolean usesUsername() {
        return topic.contains("%u");
    }

    /**
     * The pattern for one client, Mosquitto's way: every {@code %c} replaced by the client id and every
     * {@code %u} by the user name, anywhere in the topic.
     */
    AclRule substitute(String clientId, String username) {
        StringBuilder out = new StringBuilder(topic.length() + 32);
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '%' && i + 1 < topic.length()) {
                char next = topic.charAt(i + 1);
                if (next == 'c') {
                    out.append(clientId);
                    i++;
                    continue;
                }
                if (next == 'u' && username != null) {
                    out.append(username);
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return new AclRule(access, out.toString(), line);
    }
}

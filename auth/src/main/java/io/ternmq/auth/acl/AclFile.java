package io.ternmq.auth.acl;

import io.ternmq.auth.FileFormatException;
import io.ternmq.core.auth.Permissions;
import io.ternmq.core.topic.TopicCheck;
import io.ternmq.core.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mosquitto's {@code acl_file}, so an existing Mosquitto deployment's ACL works unchanged:
 * <pre>
 *   # anonymous clients (before any user line)
 *   topic read public/#
 *
 *   user alice
 *   topic readwrite alice/#
 *   topic deny alice/secret
 *
 *   # every client: %c is its client id, %u its user name
 *   pattern write devices/%c/status
 * </pre>
 * {@code topic [read|write|readwrite|deny] <topic>} (no access is readwrite; a topic with spaces needs its access
 * written first, as in Mosquitto) applies to the user of the last {@code user} line, or to anonymous clients
 * before the first; {@code pattern} lines apply to every client. Write is publish, read is subscribe and receive.
 * A matching deny rule wins, else a rule granting the access must match, else the access is denied: with an ACL
 * file, what it does not allow nobody may do.
 *
 * <p>A pattern naming the client id or user name is not applied when that holds a '+', '#' or '/' (Mosquitto
 * refuses them too): the id would otherwise widen the pattern to other clients' topics. A granting pattern then
 * grants nothing; a deny pattern denies everything, since what it would have closed is unknown.
 *
 * <p>Immutable and thread-safe.
 */
public final class AclFile {

    private final String source;
    private final List<AclRule> anonymous;
    private final Map<String, List<AclRule>> users;
    private final List<AclRule> patterns;

    private AclFile(String source, List<AclRule> anonymous, Map<String, List<AclRule>> users,
                    List<AclRule> patterns) {
        this.source = source;
        this.anonymous = List.copyOf(anonymous);
        Map<String, List<AclRule>> copy = new LinkedHashMap<>();
        users.forEach((user, rules) -> copy.put(user, List.copyOf(rules)));
        this.users = Collections.unmodifiableMap(copy);
        this.patterns = List.copyOf(patterns);
    }

    /** Reads an ACL file (UTF-8). */
    public static AclFile load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * @param sourceName the file's name, for messages
     * @throws FileFormatException naming the line and what is wrong with it
     */
    public static AclFile parse(String text, String sourceName) {
        List<AclRule> anonymous = new ArrayList<>();
        Map<String, List<AclRule>> users = new LinkedHashMap<>();
        List<AclRule> patterns = new ArrayList<>();
        List<AclRule> current = anonymous;
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = firstBlank(line);
            String keyword = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space).strip();
            switch (keyword) {
                case "user" -> {
                    if (rest.isEmpty()) {
                        throw new FileFormatException(sourceName, number, "user without a user name");
                    }
                    current = users.computeIfAbsent(rest, u -> new ArrayList<>());
                }
                case "topic" -> current.add(rule(rest, "topic", sourceName, number));
                case "pattern" -> patterns.add(rule(rest, "pattern", sourceName, number));
                default -> throw new FileFormatException(sourceName, number, "unknown keyword \"" + clip(keyword)
                        + "\" (user, topic or pattern)");
            }
        }
        return new AclFile(sourceName, anonymous, users, patterns);
    }

    private static AclRule rule(String rest, String keyword, String source, int line) {
        if (rest.isEmpty()) {
            throw new FileFormatException(source, line, keyword + " without a topic");
        }
        int space = firstBlank(rest);
        int access;
        String topic;
        if (space < 0) {
            access = AclRule.READ | AclRule.WRITE;
            topic = rest;
        } else {
            String word = rest.substring(0, space);
            topic = rest.substring(space).strip();
            access = switch (word) {
                case "read" -> AclRule.READ;
                case "write" -> AclRule.WRITE;
                case "readwrite" -> AclRule.READ | AclRule.WRITE;
                case "deny" -> AclRule.DENY;
                default -> throw new FileFormatException(source, line, "unknown access \"" + clip(word)
                        + "\" (read, write, readwrite or deny; a topic with spaces needs its access first)");
            };
        }
        TopicCheck check = Topics.checkFilter(topic, 65_535);
        if (!check.ok()) {
            throw new FileFormatException(source, line, "topic \"" + clip(topic) + "\" is not a valid topic filter ("
                    + check.describe() + ")");
        }
        return new AclRule(access, topic, line);
    }

    /**
     * What a client may do under this file.
     *
     * @param username its user name, or null for an anonymous client
     * @param clientId its client id (the session's, as {@code %c} is filled in)
     */
    public Permissions permissionsFor(String username, String clientId) {
        if (clientId == null) {
            throw new IllegalArgumentException("a client id is required");
        }
        List<AclRule> denies = new ArrayList<>();
        List<AclRule> grants = new ArrayList<>();
        for (AclRule rule : username == null ? anonymous : users.getOrDefault(username, List.of())) {
            (rule.deny() ? denies : grants).add(rule);
        }
        boolean denyAll = false;
        boolean unsafeId = unsafe(clientId);
        boolean unsafeUser = username != null && unsafe(username);
        for (AclRule pattern : patterns) {
            if (pattern.usesUsername() && username == null) {
                // Mosquitto: a %u pattern is not for anonymous clients.
                continue;
            }
            if (pattern.usesClientId() && unsafeId || pattern.usesUsername() && unsafeUser) {
                denyAll |= pattern.deny();
                continue;
            }
            AclRule filled = pattern.substitute(clientId, username);
            (filled.deny() ? denies : grants).add(filled);
        }
        String who = (username == null ? "anonymous client " : "user " + username + ", client ") + clientId;
        return new AclPermissions(who, denies, grants, denyAll);
    }

    /** Whether the file has rules for this user name ({@code user} lines). */
    public boolean hasUser(String username) {
        return users.containsKey(username);
    }

    public String source() {
        return source;
    }

    /** How many rules the file holds, for the log line that says it was read. */
    public int ruleCount() {
        int count = anonymous.size() + patterns.size();
        for (List<AclRule> rules : users.values()) {
            count += rules.size();
        }
        return count;
    }

    private static boolean unsafe(String name) {
        return name.indexOf('+') >= 0 || name.indexOf('#') >= 0 || name.indexOf('/') >= 0;
    }

    private static int firstBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static String clip(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "...";
    }

    @Override
    public String toString() {
        return "AclFile[" + source + ": " + users.size() + " users, " + ruleCount() + " rules]";
    }
}

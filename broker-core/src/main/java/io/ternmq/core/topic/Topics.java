package io.ternmq.core.topic;

/** Validation of topic names (PUBLISH) and topic filters (SUBSCRIBE). */
public final class Topics {

    private Topics() {
    }

    /**
     * Checks a topic name: non-empty (MQTT5-4.7.3-1), no '+' or '#' (MQTT5-4.7.0-1), no U+0000 (MQTT5-4.7.3-2),
     * at most {@code maxLength} Unicode code points. A null name counts as empty.
     */
    public static TopicCheck checkName(String name, int maxLength) {
        TopicCheck common = checkLength(name, maxLength);
        if (!common.ok()) {
            return common;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\0') {
                return TopicCheck.NULL_CHARACTER;
            }
            if (c == '+' || c == '#') {
                return TopicCheck.WILDCARD_IN_NAME;
            }
        }
        return TopicCheck.OK;
    }

    /**
     * Checks a topic filter: non-empty, '#' only as the whole last level (MQTT5-4.7.1-1), '+' only as a whole level
     * (MQTT5-4.7.1-2), no U+0000, at most {@code maxLength} Unicode code points. A null filter counts as empty.
     */
    public static TopicCheck checkFilter(String filter, int maxLength) {
        TopicCheck common = checkLength(filter, maxLength);
        if (!common.ok()) {
            return common;
        }
        int last = filter.length() - 1;
        for (int i = 0; i <= last; i++) {
            char c = filter.charAt(i);
            if (c == '\0') {
                return TopicCheck.NULL_CHARACTER;
            }
            boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
            if (c == '#' && !(levelStart && i == last)) {
                return TopicCheck.BAD_WILDCARD;
            }
            if (c == '+' && !(levelStart && (i == last || filter.charAt(i + 1) == '/'))) {
                return TopicCheck.BAD_WILDCARD;
            }
        }
        return TopicCheck.OK;
    }

    /**
     * Whether a topic filter matches a topic name, by the rules the trie follows: '+' one level, '#' the rest
     * (and the parent level, MQTT5-4.7.1-2), and no wildcard first matches a topic starting with '$' (MQTT-4.7.2-1).
     * For a handful of filters; the trie is for many.
     */
    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        int f = 0;
        int t = 0;
        while (true) {
            int fEnd = filter.indexOf('/', f);
            int tEnd = topic.indexOf('/', t);
            String level = filter.substring(f, fEnd < 0 ? filter.length() : fEnd);
            if (level.equals("#")) {
                return true;
            }
            String topicLevel = topic.substring(t, tEnd < 0 ? topic.length() : tEnd);
            if (!level.equals("+") && !level.equals(topicLevel)) {
                return false;
            }
            if (fEnd < 0 || tEnd < 0) {
                // The last level of one of them: a match when both end, or when the filter goes on with "/#".
                return fEnd < 0 && tEnd < 0 || tEnd < 0 && filter.substring(fEnd + 1).equals("#");
            }
            f = fEnd + 1;
            t = tEnd + 1;
        }
    }

    private static TopicCheck checkLength(String topic, int maxLength) {
        if (topic == null || topic.isEmpty()) {
            return TopicCheck.EMPTY;
        }
        // A code point is one or two chars, so only a string longer than maxLength chars needs counting.
        if (topic.length() > maxLength && topic.codePointCount(0, topic.length()) > maxLength) {
            return TopicCheck.TOO_LONG;
        }
        return TopicCheck.OK;
    }
}

package io.ternmq.config;

/**
 * A configuration mistake, reported before the broker starts. {@link #getMessage()} is one line meant for the
 * operator: it names the key, the bad value, where the value came from and what is allowed.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN_VALUE = 100;

    private final String key;
    private final String value;
    private final String allowed;
    private final String source;

    private ConfigException(String message, String key, String value, String allowed, String source,
                            Throwable cause) {
        super(message, cause);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
        this.source = source;
    }

    /** A known key with a value outside what it allows. */
    public static ConfigException invalidValue(String key, String value, String allowed, String source) {
        return new ConfigException("invalid configuration: " + key + " = " + quote(value) + " from " + source
                + " (allowed: " + allowed + ")", key, value, allowed, source, null);
    }

    /** A key (dotted, or a YAML key inside a section) that no setting has. */
    static ConfigException unknownKey(String key, String value, String known, String source) {
        return new ConfigException("unknown configuration key: " + oneLine(key) + " in " + source
                + " (" + known + ")", key, value, known, source, null);
    }

    /** A {@code TERNMQ_*} environment variable that is not the name of any setting. */
    static ConfigException unknownEnvironmentVariable(String name, String value, String known) {
        return new ConfigException("unknown environment variable " + name + " (" + known + ")",
                name, value, known, "environment " + name, null);
    }

    /** The configuration file as a whole is unusable: missing, unreadable, not YAML, not a mapping. */
    static ConfigException badFile(String file, String problem, String allowed, Throwable cause) {
        return new ConfigException("invalid configuration file " + file + ": " + oneLine(problem)
                + " (allowed: " + allowed + ")", "config", file, allowed, "file " + file, cause);
    }

    /** The dotted key (or {@code config}, or the environment variable name) the problem is about. */
    public String key() {
        return key;
    }

    /** The offending value exactly as given. */
    public String value() {
        return value;
    }

    /** What would have been accepted, in words. */
    public String allowed() {
        return allowed;
    }

    /** Where the value came from, e.g. {@code file ternmq.yaml}, {@code environment TERNMQ_LOG_LEVEL}, {@code flag --tcp-port}, {@code default}. */
    public String source() {
        return source;
    }

    /** Quotes a value for the one-line message: control characters escaped, very long values shortened. */
    static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        String shown = value;
        if (shown.codePointCount(0, shown.length()) > MAX_SHOWN_VALUE) {
            shown = shown.substring(0, shown.offsetByCodePoints(0, MAX_SHOWN_VALUE)) + "...";
        }
        return "\"" + oneLine(shown.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }

    private static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}

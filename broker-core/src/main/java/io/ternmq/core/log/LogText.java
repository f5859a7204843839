package io.ternmq.core.log;

/**
 * Client-supplied text (client ids, topics) as it may appear in a log line: control characters are escaped, so
 * a client cannot forge log lines with CR/LF, and long values are cut.
 */
public final class LogText {

    private static final int MAX = 128;

    private LogText() {
    }

    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 8);
        for (int i = 0; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() < text.length() || text.length() > MAX ? out + "..." : out.toString();
    }
}

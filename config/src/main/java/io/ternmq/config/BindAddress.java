package io.ternmq.config;

import java.util.regex.Pattern;

/**
 * Syntax check for {@code listeners.bind}: an IPv4 or IPv6 literal, or a host name. Never touches DNS, so a
 * configuration is judged the same way on every machine; whether a host name resolves is the listener's business.
 */
final class BindAddress {

    static final String ALLOWED = "an IPv4 address (e.g. 0.0.0.0), an IPv6 address (e.g. ::1) or a host name";

    private static final Pattern IPV4_SHAPE = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_.-]+");
    // RFC 1123 labels: letters, digits and inner hyphens, 1..63 characters each.
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final int MAX_HOST_NAME = 253;

    private BindAddress() {
    }

    /** The address to store (IPv6 brackets removed), or null if {@code raw} is not a valid bind address. */
    static String parse(String raw) {
        if (raw.startsWith("[") && raw.endsWith("]")) {
            String inner = raw.substring(1, raw.length() - 1);
            return isIpv6(inner) ? inner : null;
        }
        if (raw.indexOf(':') >= 0) {
            return isIpv6(raw) ? raw : null;
        }
        if (IPV4_SHAPE.matcher(raw).matches()) {
            // Looks numeric: judge it as an address, so 300.1.1.1 is refused rather than taken for a host name.
            return IPV4.matcher(raw).matches() ? raw : null;
        }
        return raw.length() <= MAX_HOST_NAME && HOST_NAME.matcher(raw).matches() ? raw : null;
    }

    static boolean isIpv6(String text) {
        String address = text;
        int percent = address.indexOf('%');
        if (percent >= 0) {
            if (!ZONE.matcher(address.substring(percent + 1)).matches()) {
                return false;
            }
            address = address.substring(0, percent);
        }
        int gap = address.indexOf("::");
        if (gap >= 0 && address.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String[] parts = gap >= 0 ? concat(groups(address.substring(0, gap)), groups(address.substring(gap + 2)))
                : groups(address);
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            boolean last = i == parts.length - 1;
            boolean endsAddress = last && (gap < 0 || gap + 2 < address.length());
            if (endsAddress && parts[i].indexOf('.') >= 0) {
                if (!IPV4.matcher(parts[i]).matches()) {
                    return false;
                }
                count += 2;
            } else if (HEX_GROUP.matcher(parts[i]).matches()) {
                count += 1;
            } else {
                return false;
            }
        }
        return gap >= 0 ? count <= 7 : count == 8;
    }

    private static String[] groups(String text) {
        return text.isEmpty() ? new String[0] : text.split(":", -1);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

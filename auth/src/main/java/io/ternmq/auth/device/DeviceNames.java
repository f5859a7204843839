package io.ternmq.auth.device;

import java.util.Set;

/**
 * The Link platform's rules for product keys, device names and secrets. Names become topic levels and store keys,
 * so they are kept to characters that are neither MQTT wildcards, nor '/', nor the key's 0 separator.
 */
public final class DeviceNames {

    /**
     * First topic levels of the platform's own topics: a product named so would own {@code /sys/{pk}/...} of
     * another product through its devices' {@code /{pk}/{dn}/} prefix.
     */
    static final Set<String> RESERVED = Set.of("sys", "broadcast", "ext");

    public static final int MAX_PRODUCT_KEY = 32;
    public static final int MIN_DEVICE_NAME = 4;
    public static final int MAX_DEVICE_NAME = 32;
    public static final int MAX_SECRET = 128;

    private DeviceNames() {
    }

    /** 1 to 32 characters of A-Z a-z 0-9 _ -. */
    public static boolean validProductKey(String productKey) {
        if (productKey == null || productKey.isEmpty() || productKey.length() > MAX_PRODUCT_KEY
                || RESERVED.contains(productKey)) {
            return false;
        }
        for (int i = 0; i < productKey.length(); i++) {
            char c = productKey.charAt(i);
            if (!alphanumeric(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** 4 to 32 characters of A-Z a-z 0-9 _ . : @ - (the Link platform's rule). */
    public static boolean validDeviceName(String deviceName) {
        if (deviceName == null || deviceName.length() < MIN_DEVICE_NAME || deviceName.length() > MAX_DEVICE_NAME) {
            return false;
        }
        for (int i = 0; i < deviceName.length(); i++) {
            char c = deviceName.charAt(i);
            if (!alphanumeric(c) && c != '_' && c != '.' && c != ':' && c != '@' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** 1 to 128 printable ASCII characters, no space. */
    public static boolean validSecret(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > MAX_SECRET) {
            return false;
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    static void checkProductKey(String productKey, String field) {
        if (!validProductKey(productKey)) {
            throw invalid(field, field + " must be 1 to 32 characters of A-Z a-z 0-9 _ -, and not sys, broadcast or "
                    + "ext (the first levels of the platform's own topics), got " + shown(productKey));
        }
    }

    static void checkDeviceName(String deviceName, String field) {
        if (!validDeviceName(deviceName)) {
            throw invalid(field, field + " must be 4 to 32 characters of A-Z a-z 0-9 _ . : @ -, got "
                    + shown(deviceName));
        }
    }

    /** A null secret is one to generate; the secret itself is never quoted back. */
    static void checkSecret(String secret, String field) {
        if (secret != null && !validSecret(secret)) {
            throw invalid(field, field + " must be 1 to 128 printable ASCII characters without spaces (got "
                    + secret.length() + " characters)");
        }
    }

    static DeviceException invalid(String field, String message) {
        return new DeviceException(DeviceException.Kind.INVALID, field, message);
    }

    private static boolean alphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** A presented name for a message: quoted, clipped, control characters escaped. */
    private static String shown(String value) {
        if (value == null) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 40; i++) {
            char c = value.charAt(i);
            if (c < ' ' || c == 0x7F) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(value.length() > 40 ? "...\"" : "\"").toString();
    }
}

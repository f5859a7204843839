package io.ternmq.auth.link;

import io.ternmq.core.auth.DeviceId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Alibaba IoT Link SDK's MQTT sign-in, so devices built on it connect unchanged. A device presents
 * <pre>
 *   client id  {id}|securemode=3,signmethod=hmacsha1,timestamp=1700000000000|
 *   user name  {deviceName}&amp;{productKey}
 *   password   hex(HMAC(deviceSecret, "clientId{id}deviceName{dn}productKey{pk}timestamp{ts}"))
 * </pre>
 * The signed content is the four parameters sorted by name, each name followed by its value; an SDK that sends
 * no timestamp signs the first three only. The secret never crosses the wire, and the broker needs nothing but
 * the device's secret from the registry to check it.
 */
public final class LinkSignIn {

    private static final Map<String, String> ALGORITHMS = Map.of(
            "hmacmd5", "HmacMD5",
            "hmacsha1", "HmacSHA1",
            "hmacsha256", "HmacSHA256");

    /** A millisecond timestamp fits in 19 digits; more is not a time. */
    private static final int MAX_TIMESTAMP_DIGITS = 19;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LinkSignIn() {
    }

    /**
     * Takes a presented client id apart.
     *
     * @return null when it has no '|' (an ordinary client id, for another provider)
     * @throws LinkSignInException when it has a '|' but the part between the two '|' is not a well-formed parameter
     *                             list with securemode 2 or 3 and a known signmethod
     */
    public static LinkClientId parse(String presented) {
        int open = presented.indexOf('|');
        if (open < 0) {
            return null;
        }
        String id = presented.substring(0, open);
        if (id.isEmpty()) {
            throw new LinkSignInException("the client id before '|' is empty");
        }
        int close = presented.indexOf('|', open + 1);
        if (close < 0) {
            throw new LinkSignInException("the parameters after '|' have no closing '|'");
        }
        if (close != presented.length() - 1) {
            throw new LinkSignInException("text after the closing '|' of the parameters");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String param : presented.substring(open + 1, close).split(",", -1)) {
            if (param.isEmpty()) {
                // "a=1,,b=2" or a trailing comma: nothing to read, and some SDK versions write it.
                continue;
            }
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw new LinkSignInException("parameter \"" + clip(param) + "\" is not name=value");
            }
            String name = param.substring(0, eq);
            if (params.put(name, param.substring(eq + 1)) != null) {
                throw new LinkSignInException("parameter " + clip(name) + " appears twice");
            }
        }
        return new LinkClientId(id, secureMode(params.get("securemode")), signMethod(params.get("signmethod")),
                timestamp(params.get("timestamp")), params);
    }

    private static int secureMode(String value) {
        if (value == null) {
            throw new LinkSignInException("parameter securemode is missing");
        }
        if (!value.equals("2") && !value.equals("3")) {
            throw new LinkSignInException("parameter securemode is \"" + clip(value) + "\", not 2 or 3");
        }
        return value.charAt(0) - '0';
    }

    private static String signMethod(String value) {
        if (value == null) {
            throw new LinkSignInException("parameter signmethod is missing");
        }
        String method = value.toLowerCase(Locale.ROOT);
        if (!ALGORITHMS.containsKey(method)) {
            throw new LinkSignInException("parameter signmethod is \"" + clip(value)
                    + "\", not hmacmd5, hmacsha1 or hmacsha256");
        }
        return method;
    }

    private static String timestamp(String value) {
        if (value == null) {
            return null;
        }
        boolean digits = !value.isEmpty() && value.length() <= MAX_TIMESTAMP_DIGITS;
        for (int i = 0; digits && i < value.length(); i++) {
            digits = value.charAt(i) >= '0' && value.charAt(i) <= '9';
        }
        if (!digits) {
            throw new LinkSignInException("parameter timestamp is \"" + clip(value)
                    + "\", not a number of milliseconds");
        }
        return value;
    }

    /** The client id before the first '|', or the whole of it when it has none: the session's client id. */
    public static String bareClientId(String presented) {
        int open = presented.indexOf('|');
        return open < 0 ? presented : presented.substring(0, open);
    }

    /**
     * The device a Link SDK user name {@code deviceName&productKey} names.
     *
     * @return null when the user name is not of that form (null, no '&amp;', more than one, an empty side)
     */
    public static DeviceId parseUserName(String username) {
        if (username == null) {
            return null;
        }
        int amp = username.indexOf('&');
        if (amp <= 0 || amp == username.length() - 1 || username.indexOf('&', amp + 1) >= 0) {
            return null;
        }
        return new DeviceId(username.substring(amp + 1), username.substring(0, amp));
    }

    /**
     * The text a device signs: the parameters sorted by name, each name followed by its value.
     *
     * @param timestamp as presented, or null when the client id has none (it is then left out)
     */
    public static String content(String clientId, String deviceName, String productKey, String timestamp) {
        StringBuilder content = new StringBuilder(64)
                .append("clientId").append(clientId)
                .append("deviceName").append(deviceName)
                .append("productKey").append(productKey);
        if (timestamp != null) {
            content.append("timestamp").append(timestamp);
        }
        return content.toString();
    }

    /** {@link #content(String, String, String, String)} for a parsed client id and the user name's device. */
    public static String content(LinkClientId clientId, DeviceId device) {
        return content(clientId.id(), device.deviceName(), device.productKey(), clientId.timestamp());
    }

    /**
     * The password a device with this secret presents: the HMAC of the content, lower-case hex.
     *
     * @throws LinkSignInException for a signmethod other than hmacmd5, hmacsha1 or hmacsha256
     */
    public static String sign(String signMethod, String secret, String content) {
        String algorithm = ALGORITHMS.get(signMethod.toLowerCase(Locale.ROOT));
        if (algorithm == null) {
            throw new LinkSignInException("signmethod \"" + clip(signMethod)
                    + "\" is not hmacmd5, hmacsha1 or hmacsha256");
        }
        if (secret.isEmpty()) {
            throw new LinkSignInException("the device secret is empty");
        }
        byte[] mac;
        try {
            Mac hmac = Mac.getInstance(algorithm);
            hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            mac = hmac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // Every Java runtime has these three, and any non-empty key is a valid HMAC key.
            throw new LinkSignInException("cannot compute " + algorithm + ": " + e.getMessage());
        }
        char[] hex = new char[mac.length * 2];
        for (int i = 0; i < mac.length; i++) {
            hex[2 * i] = HEX[(mac[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[mac[i] & 0xF];
        }
        return new String(hex);
    }

    /**
     * Whether the password is the signature of this client id and device under this secret. The hex may be of
     * either case; the comparison takes the same time wherever the first difference is.
     */
    public static boolean verify(LinkClientId clientId, DeviceId device, String deviceSecret, byte[] password) {
        if (password == null || deviceSecret == null || deviceSecret.isEmpty()) {
            return false;
        }
        byte[] expected = sign(clientId.signMethod(), deviceSecret, content(clientId, device))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] presented = new byte[password.length];
        for (int i = 0; i < password.length; i++) {
            byte b = password[i];
            presented[i] = b >= 'A' && b <= 'F' ? (byte) (b + ('a' - 'A')) : b;
        }
        return MessageDigest.isEqual(expected, presented);
    }

    /** Part of a presented value for a message: a client cannot fill the log through it. */
    private static String clip(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}

package io.ternmq.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the clients of a run sign in with (--sign-in): nothing (anonymous), one user name and password for all
 * (password), or registered devices the Link SDK's way (device): client id
 * {@code {deviceName}|securemode=3,signmethod=hmacsha256,timestamp={T}|}, user name {@code {deviceName}&{productKey}},
 * password the lower-case hex HMAC-SHA256 of {@code clientId{deviceName}deviceName{deviceName}productKey{pk}
 * timestamp{T}} keyed by the device's secret. The signatures are computed once, when the device file is read, so
 * the load generator spends nothing on them during the run.
 */
final class Credentials {

    /** One client's CONNECT fields; username and password null for an anonymous client. */
    record Login(String clientId, String username, byte[] password) {
    }

    private final String mode;
    private final String username;
    private final byte[] password;
    private final List<Login> devices;

    private Credentials(String mode, String username, byte[] password, List<Login> devices) {
        this.mode = mode;
        this.username = username;
        this.password = password;
        this.devices = devices;
    }

    /**
     * From the options; reads and signs the device file for device sign-in.
     *
     * @throws IllegalArgumentException when the device file cannot be read or holds no devices
     */
    static Credentials of(Options o) {
        return switch (o.signIn()) {
            case "device" -> new Credentials("device", null, null,
                    signed(o.productKey(), readDevices(o.devicesFile()), System.currentTimeMillis()));
            case "password" -> new Credentials("password", o.username(),
                    o.password().getBytes(StandardCharsets.UTF_8), List.of());
            default -> new Credentials("anonymous", null, null, List.of());
        };
    }

    /** How many devices there are to sign in as; 0 unless device sign-in. */
    int devices() {
        return devices.size();
    }

    /**
     * The login of client {@code index}. Anonymous and password clients keep the client id they are given; a device
     * client is device {@code index} modulo the number of devices, with that device's client id.
     */
    Login login(String clientId, int index) {
        return switch (mode) {
            case "device" -> devices.get(Math.floorMod(index, devices.size()));
            case "password" -> new Login(clientId, username, password);
            default -> new Login(clientId, null, null);
        };
    }

    /** The name and secret of each device, in file order: {@code deviceName,deviceSecret} lines. */
    static List<String[]> readDevices(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--devices " + file + ": cannot be read (" + e.getMessage() + ")");
        }
        List<String[]> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || i == 0 && line.equalsIgnoreCase("deviceName,deviceSecret")) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length != 2 || fields[0].isBlank() || fields[1].isBlank()) {
                throw new IllegalArgumentException("--devices " + file + " line " + (i + 1)
                        + ": expected deviceName,deviceSecret (the bench must know every secret)");
            }
            out.add(new String[] {fields[0].strip(), fields[1].strip()});
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--devices " + file + ": no devices in it");
        }
        return out;
    }

    private static List<Login> signed(String productKey, List<String[]> devices, long timestamp) {
        List<Login> logins = new ArrayList<>(devices.size());
        for (String[] d : devices) {
            String name = d[0];
            String clientId = name + "|securemode=3,signmethod=hmacsha256,timestamp=" + timestamp + "|";
            String content = "clientId" + name + "deviceName" + name + "productKey" + productKey
                    + "timestamp" + timestamp;
            logins.add(new Login(clientId, name + "&" + productKey,
                    hmacSha256Hex(d[1], content).getBytes(StandardCharsets.US_ASCII)));
        }
        return List.copyOf(logins);
    }

    /** The Link SDK's password: HMAC-SHA256 of the content keyed by the secret, lower-case hex. */
    static String hmacSha256Hex(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }
}

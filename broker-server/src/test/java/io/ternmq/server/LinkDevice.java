package io.ternmq.server;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's Link SDK credentials, computed here with the JDK's own HMAC, independently of the broker's code:
 * client id {@code id|securemode=..,signmethod=..,timestamp=..|}, user name {@code deviceName&productKey},
 * password the lowercase hex HMAC over {@code clientId{id}deviceName{dn}productKey{pk}timestamp{ts}}.
 */
record LinkDevice(String productKey, String deviceName, String secret) {

    String clientId(String id, int secureMode, String signMethod, String timestamp) {
        return id + "|securemode=" + secureMode + ",signmethod=" + signMethod + ",timestamp=" + timestamp + "|";
    }

    String username() {
        return deviceName + "&" + productKey;
    }

    String password(String id, String signMethod, String timestamp) {
        return hmac(signMethod, secret, "clientId" + id + "deviceName" + deviceName + "productKey" + productKey
                + "timestamp" + timestamp);
    }

    static String hmac(String signMethod, String key, String content) {
        String algorithm = switch (signMethod) {
            case "hmacmd5" -> "HmacMD5";
            case "hmacsha1" -> "HmacSHA1";
            case "hmacsha256" -> "HmacSHA256";
            default -> throw new IllegalArgumentException(signMethod);
        };
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Paho v3 options signing in as this device with client id {@code id}. */
    org.eclipse.paho.client.mqttv3.MqttConnectOptions options3(String id, String signMethod) {
        org.eclipse.paho.client.mqttv3.MqttConnectOptions o = PahoClients.options(
                org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1, true);
        o.setUserName(username());
        o.setPassword(password(id, signMethod, "1700000000000").toCharArray());
        return o;
    }

    /** The client id presented with {@link #options3}. */
    String presented(String id, String signMethod) {
        return clientId(id, 3, signMethod, "1700000000000");
    }

    /** Paho v5 options signing in as this device with client id {@code id}. */
    org.eclipse.paho.mqttv5.client.MqttConnectionOptions options5(String id, String signMethod) {
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions o = Paho5.options(true, 0L);
        o.setUserName(username());
        o.setPassword(password(id, signMethod, "1700000000000").getBytes(StandardCharsets.UTF_8));
        return o;
    }
}

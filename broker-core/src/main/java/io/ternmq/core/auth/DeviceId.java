package io.ternmq.core.auth;

/**
 * A registered device: its product and its name within it. One device has at most one connection: a second
 * sign-in takes over.
 */
public record DeviceId(String productKey, String deviceName) {

    public DeviceId {
        if (productKey == null || productKey.isEmpty() || deviceName == null || deviceName.isEmpty()) {
            throw new IllegalArgumentException("productKey and deviceName are required");
        }
    }

    @Override
    public String toString() {
        return productKey + "/" + deviceName;
    }
}

package io.ternmq.auth.device;

import io.ternmq.core.auth.DeviceId;

/**
 * A registered device as the registry holds it.
 *
 * @param productKey         its product
 * @param deviceName         its name within the product
 * @param deviceSecret       what it signs in with (the HMAC key of the Link SDK sign-in)
 * @param enabled            false refuses its sign-in without forgetting it
 * @param createdAtMillis    when it was registered
 * @param lastOnlineAtMillis when it last signed in, or 0 when never
 * @param lastAddress        where it last signed in from, or null when never
 */
public record Device(String productKey, String deviceName, String deviceSecret, boolean enabled,
                     long createdAtMillis, long lastOnlineAtMillis, String lastAddress) {

    public DeviceId id() {
        return new DeviceId(productKey, deviceName);
    }

    /** Without the secret: a device is logged, and its secret must not be. */
    @Override
    public String toString() {
        return "Device[" + productKey + "/" + deviceName + (enabled ? "" : ", disabled") + "]";
    }
}

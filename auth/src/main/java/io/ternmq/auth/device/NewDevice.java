package io.ternmq.auth.device;

/**
 * One device of a bulk import.
 *
 * @param deviceName   its name within the product
 * @param deviceSecret its secret, or null to have one generated
 */
public record NewDevice(String deviceName, String deviceSecret) {

    /** Without the secret, which must not reach a log. */
    @Override
    public String toString() {
        return "NewDevice[" + deviceName + (deviceSecret == null ? "" : ", with a secret") + "]";
    }
}

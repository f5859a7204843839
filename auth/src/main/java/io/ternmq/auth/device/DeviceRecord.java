package io.ternmq.auth.device;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The registry's binary layout. The key is the product key, a 0 byte, the device name (UTF-8): one product's
 * devices are one prefix, in device name order. The value, version 1:
 * <pre>
 *   [1] version = 1
 *   [1] flags: bit 0 enabled, bit 1 has a last address
 *   [8] createdAtMillis     big-endian
 *   [8] lastOnlineAtMillis  big-endian, 0 when never
 *   [1] secret length, then the secret (ASCII)
 *   [2] address length, then the address (UTF-8)   only with flag bit 1
 * </pre>
 * The version byte leads so that a later layout can be read next to this one, and a record of an unknown one is
 * refused rather than misread.
 */
final class DeviceRecord {

    static final byte VERSION = 1;
    private static final int ENABLED = 1;
    private static final int HAS_ADDRESS = 2;
    /** A socket address as text is short; a longer one is cut rather than refused, since it is only shown. */
    static final int MAX_ADDRESS = 255;

    private DeviceRecord() {
    }

    static byte[] key(String productKey, String deviceName) {
        byte[] pk = productKey.getBytes(StandardCharsets.UTF_8);
        byte[] dn = deviceName.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[pk.length + 1 + dn.length];
        System.arraycopy(pk, 0, key, 0, pk.length);
        System.arraycopy(dn, 0, key, pk.length + 1, dn.length);
        return key;
    }

    /** The prefix of every key of one product. */
    static byte[] productPrefix(String productKey) {
        byte[] pk = productKey.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[pk.length + 1];
        System.arraycopy(pk, 0, prefix, 0, pk.length);
        return prefix;
    }

    static String deviceName(byte[] key, int prefixLength) {
        return new String(key, prefixLength, key.length - prefixLength, StandardCharsets.UTF_8);
    }

    static byte[] encode(Device device) {
        byte[] secret = device.deviceSecret().getBytes(StandardCharsets.US_ASCII);
        String address = device.lastAddress();
        if (address != null && address.length() > MAX_ADDRESS) {
            address = address.substring(0, MAX_ADDRESS);
        }
        byte[] addressBytes = address == null ? null : address.getBytes(StandardCharsets.UTF_8);
        int flags = (device.enabled() ? ENABLED : 0) | (addressBytes != null ? HAS_ADDRESS : 0);
        ByteBuffer out = ByteBuffer.allocate(19 + secret.length + (addressBytes == null ? 0 : 2 + addressBytes.length));
        out.put(VERSION).put((byte) flags).putLong(device.createdAtMillis()).putLong(device.lastOnlineAtMillis());
        out.put((byte) secret.length).put(secret);
        if (addressBytes != null) {
            out.putShort((short) addressBytes.length).put(addressBytes);
        }
        return out.array();
    }

    /**
     * @throws IllegalStateException for a record of another version or a damaged one, naming the device
     */
    static Device decode(String productKey, String deviceName, byte[] value) {
        if (value.length == 0 || value[0] != VERSION) {
            throw new IllegalStateException("device " + productKey + "/" + deviceName + " is stored in layout "
                    + (value.length == 0 ? "(empty)" : Integer.toString(value[0] & 0xFF)) + ", this build reads "
                    + VERSION);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(value, 1, value.length - 1);
            int flags = in.get();
            long createdAt = in.getLong();
            long lastOnlineAt = in.getLong();
            byte[] secret = new byte[in.get() & 0xFF];
            in.get(secret);
            String address = null;
            if ((flags & HAS_ADDRESS) != 0) {
                byte[] addressBytes = new byte[in.getShort() & 0xFFFF];
                in.get(addressBytes);
                address = new String(addressBytes, StandardCharsets.UTF_8);
            }
            if (in.hasRemaining()) {
                throw new IllegalStateException("device " + productKey + "/" + deviceName + " has "
                        + in.remaining() + " bytes after its record");
            }
            return new Device(productKey, deviceName, new String(secret, StandardCharsets.US_ASCII),
                    (flags & ENABLED) != 0, createdAt, lastOnlineAt, address);
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("device " + productKey + "/" + deviceName + " has a truncated record");
        }
    }
}

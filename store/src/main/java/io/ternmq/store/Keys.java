package io.ternmq.store;

import java.nio.charset.StandardCharsets;

/**
 * The store's binary keys: a schema-version byte, then the owner's id with a two-byte length, then what the record
 * is within its owner. So every record of one session (or device) shares one prefix and one prefix scan reads them,
 * and numbers in keys are big-endian so that key order is number order (a queue reads back in sequence).
 * <pre>
 *   [version 1][id length: 2 bytes][id: UTF-8][suffix]
 * </pre>
 */
public final class Keys {

    private Keys() {
    }

    /** The prefix of every record of one owner (a client id, a device key). */
    public static byte[] owner(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("an id of more than 65,535 bytes");
        }
        byte[] key = new byte[3 + bytes.length];
        key[0] = RocksStore.SCHEMA_VERSION;
        key[1] = (byte) (bytes.length >> 8);
        key[2] = (byte) bytes.length;
        System.arraycopy(bytes, 0, key, 3, bytes.length);
        return key;
    }

    /** The owner's id a key begins with. */
    public static String ownerOf(byte[] key) {
        int length = ((key[1] & 0xFF) << 8) | (key[2] & 0xFF);
        return new String(key, 3, length, StandardCharsets.UTF_8);
    }

    /** Where the suffix of a key starts. */
    public static int suffixStart(byte[] key) {
        return 3 + (((key[1] & 0xFF) << 8) | (key[2] & 0xFF));
    }

    /** The owner's prefix followed by a number, big-endian in eight bytes. */
    public static byte[] withNumber(byte[] owner, long number) {
        byte[] key = new byte[owner.length + 8];
        System.arraycopy(owner, 0, key, 0, owner.length);
        for (int i = 0; i < 8; i++) {
            key[owner.length + i] = (byte) (number >>> (56 - 8 * i));
        }
        return key;
    }

    /** The number at the end of a key made by {@link #withNumber}. */
    public static long numberAtEnd(byte[] key) {
        long n = 0;
        for (int i = key.length - 8; i < key.length; i++) {
            n = (n << 8) | (key[i] & 0xFF);
        }
        return n;
    }

    /** The owner's prefix followed by a string, itself length-prefixed so one string is never a prefix of another. */
    public static byte[] withString(byte[] owner, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[owner.length + 2 + bytes.length];
        System.arraycopy(owner, 0, key, 0, owner.length);
        key[owner.length] = (byte) (bytes.length >> 8);
        key[owner.length + 1] = (byte) bytes.length;
        System.arraycopy(bytes, 0, key, owner.length + 2, bytes.length);
        return key;
    }

    /** The string at the end of a key made by {@link #withString}. */
    public static String stringAtEnd(byte[] key) {
        int at = suffixStart(key);
        int length = ((key[at] & 0xFF) << 8) | (key[at + 1] & 0xFF);
        return new String(key, at + 2, length, StandardCharsets.UTF_8);
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first key after every key that starts with {@code prefix} (the end of a range delete). */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        // Cannot happen for the store's keys, which start with the schema version.
        throw new IllegalArgumentException("a prefix of 0xFF bytes only has no end");
    }
}

package io.ternmq.core.protocol;

import java.util.HexFormat;

/** Bytes as upper-case hex pairs separated by single spaces, the way the tests write them. */
public final class Hex {

    private static final HexFormat FORMAT = HexFormat.ofDelimiter(" ").withUpperCase();

    private Hex() {
    }

    /** "10 0e 00 04" or "100E0004" to bytes; whitespace is ignored. */
    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    public static String of(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    /** Normalises a hand-written hex string so it compares equal to {@link #of}. */
    public static String normalise(String hex) {
        return of(bytes(hex));
    }
}

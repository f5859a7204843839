package io.ternmq.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one setting's raw text becomes a typed value, and the words that say what is allowed. Raw text is what a
 * YAML scalar, an environment variable or a flag holds; every layer goes through the same parser.
 *
 * @param allowed what the setting accepts, shown to the operator when a value is refused
 * @param parser  returns the typed value or throws {@link IllegalArgumentException} for anything not allowed
 */
record ValueType<T>(String allowed, Function<String, T> parser) {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*(b|kib|mib)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern LARGE_SIZE = Pattern.compile("(\\d{1,18})\\s*(b|kib|mib|gib)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|m)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CIPHER_SUITE = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    /** Parses {@code raw}; throws {@link IllegalArgumentException} if it is not allowed. */
    T parse(String raw) {
        try {
            return parser.apply(raw);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too large", e);
        }
    }

    static ValueType<Integer> integer(int min, int max) {
        return new ValueType<>("an integer from " + min + " to " + max,
                raw -> inRange(parseLong(raw.strip()), min, max));
    }

    static ValueType<Integer> port() {
        return new ValueType<>("an integer from 0 to 65535 (0 turns the listener off)",
                raw -> inRange(parseLong(raw.strip()), 0, 65535));
    }

    /** A byte count: a plain integer, or an integer with suffix B, KiB or MiB (binary units only, no KB/MB). */
    static ValueType<Integer> size(int min, int max) {
        return new ValueType<>("a size from " + min + " to " + max
                + " bytes: an integer, or an integer with suffix B, KiB or MiB, e.g. 260KiB", raw -> {
                    return inRange(bytes(matchOrThrow(SIZE, raw)), min, max);
                });
    }

    /** A byte count that may pass 2 GiB: an integer, or with suffix B, KiB, MiB or GiB. */
    static ValueType<Long> largeSize(long min, long max) {
        return new ValueType<>("a size from " + min + " to " + max
                + " bytes: an integer, or an integer with suffix B, KiB, MiB or GiB, e.g. 1GiB", raw -> {
                    long value = bytes(matchOrThrow(LARGE_SIZE, raw));
                    if (value < min || value > max) {
                        throw new IllegalArgumentException("out of range");
                    }
                    return value;
                });
    }

    /** The bytes a size matched by SIZE or LARGE_SIZE names: its number times its binary unit. */
    private static long bytes(Matcher m) {
        long multiplier = switch (m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT)) {
            case "kib" -> 1024L;
            case "mib" -> 1024L * 1024L;
            case "gib" -> 1024L * 1024L * 1024L;
            default -> 1L;
        };
        return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
    }

    /** A duration: a plain integer of seconds, or an integer with suffix ms, s or m. */
    static ValueType<Duration> duration(Duration min, Duration max) {
        return new ValueType<>("a duration from " + describe(min) + " to " + describe(max)
                + ": an integer of seconds, or an integer with suffix ms, s or m, e.g. 500ms, 10s, 1m", raw -> {
                    Matcher m = matchOrThrow(DURATION, raw);
                    long amount = Long.parseLong(m.group(1));
                    Duration d = switch (m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofSeconds(amount);
                    };
                    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                        throw new IllegalArgumentException("out of range");
                    }
                    return d;
                });
    }

    /** Only true or false (in any letter case); yes/no/on/off/1/0 are refused so a typo cannot flip a switch. */
    static ValueType<Boolean> bool() {
        return new ValueType<>("true or false", raw -> switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean");
        });
    }

    /**
     * off, connect-only or on; true and false, the values of the switch this setting was before, still mean
     * connect-only and off.
     */
    static ValueType<EarlyData> earlyData() {
        List<String> names = List.of("off", "connect-only", "on", "true", "false");
        return new ValueType<>("off, connect-only or on", raw -> switch (wordIn(names, raw)) {
            case "off", "false" -> EarlyData.OFF;
            case "on" -> EarlyData.ON;
            default -> EarlyData.CONNECT_ONLY;
        });
    }

    /** One of an enum's constants, written in lower case in YAML; input is case-insensitive. */
    static <E extends Enum<E>> ValueType<E> enumeration(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        return new ValueType<>(orList(names), raw -> Enum.valueOf(type, wordIn(names, raw).toUpperCase(Locale.ROOT)));
    }

    /** One of a fixed set of lower-case words; input is case-insensitive and stored lower case. */
    static ValueType<String> word(String... words) {
        List<String> names = List.of(words);
        return new ValueType<>(orList(names), raw -> wordIn(names, raw));
    }

    static ValueType<String> bindAddress() {
        return new ValueType<>(BindAddress.ALLOWED, raw -> {
            String address = BindAddress.parse(raw);
            if (address == null) {
                throw new IllegalArgumentException("not an address");
            }
            return address;
        });
    }

    static ValueType<Path> path() {
        return new ValueType<>("a non-empty directory path", raw -> {
            if (raw.isBlank()) {
                throw new IllegalArgumentException("empty path");
            }
            try {
                return Path.of(raw);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid path", e);
            }
        });
    }

    /** A file path, or the word {@code none} for no file. */
    static ValueType<Optional<Path>> optionalFile(String what) {
        return new ValueType<>("none, or the path of " + what, raw -> {
            String text = raw.strip();
            if (text.equalsIgnoreCase("none")) {
                return Optional.empty();
            }
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty path");
            }
            try {
                return Optional.of(Path.of(text));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid path", e);
            }
        });
    }

    /** Any text, taken as given (not stripped); empty is allowed. For secrets such as a keystore password. */
    static ValueType<String> secret() {
        return new ValueType<>("any text, empty for none", raw -> raw);
    }

    /** A comma-separated list of distinct words from a fixed set, in the order given (at least one). */
    static ValueType<List<String>> wordList(String... words) {
        List<String> names = List.of(words);
        return new ValueType<>("a comma-separated list of " + String.join(", ", names) + " (each at most once)",
                raw -> {
                    List<String> items = commaList(raw);
                    if (items.isEmpty()) {
                        throw new IllegalArgumentException("empty list");
                    }
                    Set<String> picked = new LinkedHashSet<>();
                    for (String item : items) {
                        if (!picked.add(wordIn(names, item))) {
                            throw new IllegalArgumentException(item + " is listed twice");
                        }
                    }
                    return List.copyOf(picked);
                });
    }

    /**
     * A comma-separated list of TLS protocol versions, stored under their JDK names. {@code TLSv1.0} is taken as
     * {@code TLSv1}; SSLv3 and older are not offered at all.
     */
    static ValueType<List<String>> tlsProtocols() {
        List<String> known = List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
        return new ValueType<>("a comma-separated list of TLSv1.3, TLSv1.2, TLSv1.1 and TLSv1, e.g. TLSv1.3,TLSv1.2",
                raw -> {
                    Set<String> protocols = new LinkedHashSet<>();
                    for (String item : commaList(raw)) {
                        String name = item.equalsIgnoreCase("TLSv1.0") ? "TLSv1" : item;
                        String match = known.stream().filter(k -> k.equalsIgnoreCase(name)).findFirst()
                                .orElseThrow(() -> new IllegalArgumentException("unknown protocol " + item));
                        protocols.add(match);
                    }
                    return List.copyOf(protocols);
                });
    }

    /** {@code default}, or a comma-separated list of cipher suite names (IANA form, e.g. TLS_AES_128_GCM_SHA256). */
    static ValueType<List<String>> cipherSuites() {
        return new ValueType<>("default, or a comma-separated list of cipher suite names in IANA form, e.g. "
                + "TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", raw -> {
                    if (raw.strip().equalsIgnoreCase("default")) {
                        return List.of();
                    }
                    List<String> suites = commaList(raw);
                    for (String suite : suites) {
                        if (!CIPHER_SUITE.matcher(suite).matches()) {
                            throw new IllegalArgumentException("not a cipher suite name: " + suite);
                        }
                    }
                    return List.copyOf(new LinkedHashSet<>(suites));
                });
    }

    /** The non-empty items of a comma-separated list, stripped; an empty list or an empty item is refused. */
    private static List<String> commaList(String raw) {
        String[] parts = raw.split(",", -1);
        List<String> items = new ArrayList<>(parts.length);
        for (String part : parts) {
            String item = part.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty list item");
            }
            items.add(item);
        }
        return items;
    }

    private static long parseLong(String text) {
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException("not an integer");
        }
        return Long.parseLong(text);
    }

    private static int inRange(long value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("out of range");
        }
        return (int) value;
    }

    private static Matcher matchOrThrow(Pattern pattern, String raw) {
        Matcher m = pattern.matcher(raw.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed");
        }
        return m;
    }

    private static String wordIn(List<String> words, String raw) {
        String word = raw.strip().toLowerCase(Locale.ROOT);
        if (!words.contains(word)) {
            throw new IllegalArgumentException("not one of " + words);
        }
        return word;
    }

    private static String orList(List<String> words) {
        int last = words.size() - 1;
        return last == 0 ? words.get(0) : String.join(", ", words.subList(0, last)) + " or " + words.get(last);
    }

    private static String describe(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }
}

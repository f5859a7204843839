package io.ternmq.bench.fuzz;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * The command line of {@code fuzz}, parsed and checked once; a bad value is an {@link IllegalArgumentException}
 * naming the flag and what is allowed, as for the load scenarios.
 *
 * @param host        the broker's address (loopback only, as for every bench command: hostile input is for a
 *                    broker on this machine, not someone else's)
 * @param port        its MQTT TCP port
 * @param cases       how many cases to run, 0 to cases - 1
 * @param seed        what the cases are derived from; the same seed gives the same cases
 * @param concurrency cases in flight at once, one connection each
 * @param timeoutMillis how long a case waits for the CONNACK, and then for the broker's answer or close
 * @param brokerPid   a broker process whose RSS to sample from /proc, or 0
 * @param onlyCase    the one case to replay with its bytes in and out, or -1
 * @param json        where to write the summary as JSON, or null
 * @param quiet       no progress line
 */
public record FuzzOptions(String host, int port, long cases, long seed, int concurrency, int timeoutMillis,
                          long brokerPid, long onlyCase, Path json, boolean quiet) {

    /** Padding beyond this is not sent: a case declaring more is "beyond-cap". */
    public static final int CAP_BYTES = 64 * 1024;

    /** Parses the arguments after the word {@code fuzz}. */
    public static FuzzOptions parse(String[] args) {
        String host = "127.0.0.1";
        int port = 1883;
        long cases = 1_000_000;
        long seed = 1;
        int concurrency = 64;
        int timeout = 1000;
        long pid = 0;
        long onlyCase = -1;
        Path json = null;
        boolean quiet = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quiet")) {
                quiet = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value (see --help)");
            }
            String value = args[++i];
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = (int) longIn(flag, value, 1, 65535);
                case "--cases" -> cases = longIn(flag, value, 1, 1_000_000_000);
                case "--seed" -> seed = longIn(flag, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--concurrency" -> concurrency = (int) longIn(flag, value, 1, 10_000);
                case "--timeout-ms" -> timeout = (int) longIn(flag, value, 10, 600_000);
                case "--pid", "--broker-pid" -> pid = longIn(flag, value, 1, Integer.MAX_VALUE);
                case "--only-case" -> onlyCase = longIn(flag, value, 0, Long.MAX_VALUE);
                case "--json" -> json = Path.of(value);
                default -> throw new IllegalArgumentException("unknown fuzz option " + flag + " (see --help)");
            }
        }
        InetAddress target;
        try {
            target = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host " + host + ": not an address");
        }
        if (!target.isLoopbackAddress()) {
            throw new IllegalArgumentException("--host " + host + ": only loopback addresses (127.0.0.0/8, ::1)");
        }
        return new FuzzOptions(host, port, cases, seed, concurrency, timeout, pid, onlyCase, json, quiet);
    }

    private static long longIn(String flag, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.replace("_", "").replace(",", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " " + value + ": allowed is an integer from " + min + " to " + max);
    }
}

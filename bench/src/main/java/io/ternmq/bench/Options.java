package io.ternmq.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one load run is told on the command line, parsed and checked once. A bad value is an
 * {@link IllegalArgumentException} whose message names the flag and what is allowed.
 *
 * @param scenario       what to run
 * @param host           the broker's address (loopback only: this tool is for a bench, not for someone's broker)
 * @param port           the broker's MQTT port
 * @param transport      tcp, tls or quic
 * @param mqttVersion    4 (3.1.1) or 5
 * @param connections    conn: connections to open and hold
 * @param concurrency    churn: clients connecting at once, each again as soon as its last connection closed
 * @param warmup         churn: how long the clients connect before anything is counted; the publishing scenarios:
 *                       how long the same load runs first, in this process, on topics and client ids of its own,
 *                       uncounted (both JVMs' JIT, the bench's transport code included)
 * @param publishers     pub, p2p, fanin: publishing clients
 * @param subscribers    sub, fanout, fanin: subscribing clients (fanin: members of the shared group)
 * @param qos            0 or 1, for publishes and subscriptions
 * @param payloadSize    bytes per message, at least {@link Payload#HEADER}
 * @param rate           messages per second per publisher; 0 sends as fast as the window and the socket allow
 * @param duration       how long the publishers publish (conn: how long the connections are held)
 * @param drain          how long to wait after the last publish for what is still on its way
 * @param connectRate    new connections per second
 * @param inflight       unacknowledged QoS 1 publishes per publisher
 * @param keepalive      seconds, sent in CONNECT
 * @param cleanSession   clean session (3.1.1) / clean start with session expiry 0 (5)
 * @param sourceAddresses local addresses to connect from, round robin; empty lets the OS choose
 * @param topicPrefix    every topic starts with it, so parallel runs do not see each other's messages
 * @param clientPrefix   every client id starts with it
 * @param brokerPid      a broker process to sample CPU and memory of from /proc, or 0
 * @param signIn         conn, churn: anonymous, device (the Link SDK's HMAC sign-in) or password (a user name and
 *                       password, e.g. of a password file)
 * @param username       password sign-in: the user name
 * @param password       password sign-in: the password
 * @param productKey     device sign-in: the product of the devices
 * @param devicesFile    device sign-in: the devices, {@code deviceName,deviceSecret} a line (the CSV the broker's
 *                       import endpoint takes)
 * @param json           where to write the result as JSON, or null
 * @param quiet          no progress line
 * @param quicMaxAckDelayMillis QUIC clients: the max_ack_delay they advertise (the broker adds it to its wait
 *                       before resending what the client did not acknowledge)
 */
record Options(Scenario scenario, String host, int port, String transport, int mqttVersion, int connections,
               int publishers, int subscribers, int qos, int payloadSize, double rate, Duration duration,
               Duration drain, int connectRate, int inflight, int keepalive, boolean cleanSession,
               List<InetAddress> sourceAddresses, String topicPrefix, String clientPrefix, long brokerPid,
               int concurrency, Duration warmup, String signIn, String username, String password, String productKey,
               Path devicesFile, Path json, boolean quiet, int quicMaxAckDelayMillis) {

    static final String USAGE = """
            ternmq-bench: an MQTT load generator for thousands of clients from one process.

            Usage:
              java -jar ternmq-bench.jar SCENARIO [options]
              java -jar ternmq-bench.jar fuzz [fuzz options]                    hostile MQTT packets, see below
              java -jar ternmq-bench.jar table A.json B.json [NAME_A NAME_B]   side-by-side table of two runs
              java -jar ternmq-bench.jar value RESULT.json KEY                  one number, e.g. latency_ms.p99
              java -jar ternmq-bench.jar relay --listen H:P --to H:P --from A[,B] --switch-after D [--for D]
                                                                        a UDP NAT that moves every client to a new
                                                                        source address (or port) mid-run: QUIC
                                                                        migration under load
              java -jar ternmq-bench.jar streams --mode single|multi|stalled|alone [--port P] [--quic-port P]
                  [--duration D] [--probe-rate N] [--bulk-rate N] [--bulk-size B]
                                                                        one QUIC subscriber of a bulk and a probe
                                                                        topic, on one stream or on two: the probe's
                                                                        latency (head-of-line blocking)
              java -jar ternmq-bench.jar echo --transport tcp|quic [--connections N] [--rate N] [--duration D]
                  [--payload B] [--cert F --key F]                      Netty's TCP or QUIC echo in-process, no
                                                                        MQTT: what the transport alone costs
              java -cp ternmq-bench.jar org.openjdk.jmh.Main [JMH options]     the microbenchmarks

            Scenarios:
              conn     open --connections clients at --connect-rate per second and hold them for --duration;
                       reports connect latency (and, with --broker-pid, the broker's memory per connection)
              churn    --concurrency clients, each in a loop for --duration: connect, CONNECT, CONNACK,
                       DISCONNECT, wait for the broker to close, again; reports connections per second and
                       connect latency (and, with --broker-pid, the broker's CPU); the workers start at
                       --connect-rate per second and nothing is counted during --warmup
              pub      --publishers clients publish to bench/pub/{i}; nobody subscribes
              sub      --subscribers clients subscribe to bench/sub/#; they check what another process sends
                       there, e.g. a `pub --topic-prefix bench/sub` run on the same machine
              p2p      --publishers clients, each publishing to its own subscriber (the same number of them)
              fanout   1 publisher, --subscribers clients all subscribed to its topic
              fanin    --publishers clients, one shared subscription $share/bench/... with --subscribers members

            Every payload carries the publisher, a sequence number and the send time (System.nanoTime), so the
            subscribers measure end-to-end latency (p50, p99, p99.9, max), loss, duplicates and reordering.

            Options (defaults in brackets):
              --host ADDRESS         broker address, must be loopback [127.0.0.1]
              --port N               broker MQTT port [1883; 8883 with --transport tls; UDP 14567 with quic]
              --transport tcp|tls|quic  tls and quic trust any certificate (a bench, not a security
                                     check); quic is MQTT on a QUIC connection's first stream, ALPN mqtt [tcp]
              --quic-max-ack-delay MS  the max_ack_delay the QUIC clients advertise; quiche acknowledges
                                     in its next packet anyway, and the broker waits this much longer than
                                     a round trip before it resends what they did not acknowledge [5]
              --mqtt 3.1.1|5         protocol version [3.1.1]
              --connections N        conn: connections [1000]
              --concurrency N        churn: clients connecting at once [100]
              --warmup D             connect (churn) or run the same load (pub, p2p, fanout, fanin: two
                                     rounds of connect, load, close, with clients and topics of its own)
                                     for this long first, in this process, uncounted, so neither JVM's JIT
                                     is measured; --duration is counted after it [churn 3s, others 0s]
              --sign-in MODE         conn, churn: anonymous, device or password [anonymous]
                                     device: the Link SDK's sign-in, client id
                                     {id}|securemode=3,signmethod=hmacsha256,timestamp=T|, user name
                                     {deviceName}&{productKey}, password the HMAC-SHA256 of
                                     clientId{id}deviceName{dn}productKey{pk}timestamp{T} keyed by the secret
              --product-key PK       device sign-in: the devices' product
              --devices FILE         device sign-in: deviceName,deviceSecret a line (an optional header line
                                     deviceName,deviceSecret), the CSV of the broker's device import; client i
                                     signs in as device i (conn needs as many devices as connections)
              --username U           password sign-in: the user name every client presents
              --password P           password sign-in: its password
              --publishers N         pub, p2p, fanin: publishers [10]
              --subscribers N        sub, fanout, fanin: subscribers [10; fanin: 4 group members]
              --qos 0|1              publish and subscribe QoS [0]
              --payload BYTES        message size, at least 16 [16]
              --rate R               messages per second per publisher; 0 = as fast as possible [1]
              --duration D           publishing time (conn: holding time), e.g. 10s, 500ms, 1m [10s]
              --drain D              time allowed after the last publish for messages still on the way [3s]
              --connect-rate R       new connections per second [1000]
              --inflight N           unacknowledged QoS 1 publishes per publisher [32]
              --keepalive S          keepalive in seconds [60]
              --clean true|false     clean session 1 (or 5.0 clean start, expiry 0); false keeps sessions [true]
              --ifaddr A,B,...       connect from these local addresses in turn, e.g. 127.0.0.2,127.0.0.3,
                                     to go past the ~28,000 ephemeral ports of one source address
              --topic-prefix P       topics start with P [bench]
              --client-prefix P      client ids start with P [bench]
              --broker-pid PID       sample the broker's CPU seconds and memory from /proc (same machine)
              --json FILE            also write the result as JSON
              --quiet                no progress line
              --help                 this text

            A progress line every second: elapsed time, connections, messages out and in per second, p99 latency
            of that second, errors. At the end a summary table, and the same in JSON with --json.
            Exit code 0 when the run completed (loss is reported, not an error); 2 for a bad option; 1 when the
            broker could not be reached.

            fuzz: mutated MQTT 3.1, 3.1.1 and 5.0 packets of every type (bit flips, truncations, wrong Remaining
            Lengths and inner lengths, bad property ids and lengths, duplicated properties, five-byte and
            non-minimal varints, bad UTF-8, reserved bits, QoS 3), each on a connection of its own: as the first
            packet (one case in four) or after a valid CONNECT and its CONNACK. Then the zeros that complete what
            the packet declares (up to 64 KiB) and a PINGREQ. Each case ends as one of
              closed           the broker closed the connection (what it sent last is counted)
              answered         PINGRESP came back: the packet was taken as valid
              hung             neither within --timeout-ms, although every declared byte was sent
              beyond-cap       neither, but the packet declared more than 64 KiB, so not all of it was sent
              refused-connect  the valid CONNECT before the case failed (should not happen)
              connect-failed   no TCP connection
            The same --seed gives the same cases, byte for byte.

            Fuzz options (defaults in brackets):
              --host ADDRESS         broker address, must be loopback [127.0.0.1]
              --port N               broker MQTT port, TCP [1883]
              --cases N              cases to run [1000000]
              --seed S               what the cases are derived from [1]
              --concurrency C        cases in flight at once [64]
              --timeout-ms T         time for the CONNACK, then for the verdict of a case [1000]
              --pid PID              sample the broker's RSS (/proc/PID/status VmRSS): start, peak, end;
                                     --broker-pid is the same
              --only-case INDEX      replay one case of the seed and print the bytes out and in
              --json FILE            also write the summary as JSON
              --quiet                no progress line (otherwise one every 10 s)
            At the end a summary, and up to 20 hung cases in hex with their mutations and index.
            """;

    /**
     * One of the two rounds of a publishing scenario's warm-up: the same load for half of --warmup, on client ids
     * and topics of its own (so nothing of it reaches the measured run's subscribers), quiet, with no JSON and no
     * broker sampling.
     */
    Options warmupRun() {
        return new Options(scenario, host, port, transport, mqttVersion, connections, publishers, subscribers, qos,
                payloadSize, rate, warmup.dividedBy(2), drain, connectRate, inflight, keepalive, cleanSession,
                sourceAddresses, topicPrefix + "-warmup", clientPrefix + "-warmup", 0, concurrency, Duration.ZERO, signIn, username,
                password, productKey, devicesFile, null, true, quicMaxAckDelayMillis);
    }

    static Options parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a scenario is required: conn, churn, pub, sub, p2p, fanout or fanin");
        }
        Scenario scenario = Scenario.parse(args[0]);
        Builder b = new Builder(scenario);
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quiet")) {
                b.quiet = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value (see --help)");
            }
            b.set(flag, args[++i]);
        }
        return b.build();
    }

    /** Mutable defaults while the flags are read; {@link #build()} checks what relates two flags. */
    private static final class Builder {
        final Scenario scenario;
        String host = "127.0.0.1";
        int port = -1;
        String transport = "tcp";
        int mqttVersion = 4;
        int connections = 1000;
        int publishers = 10;
        int subscribers = -1;
        int qos;
        int payload = Payload.HEADER;
        double rate = 1;
        Duration duration = Duration.ofSeconds(10);
        Duration drain = Duration.ofSeconds(3);
        int connectRate = 1000;
        int inflight = 32;
        int keepalive = 60;
        boolean clean = true;
        List<InetAddress> ifaddr = List.of();
        String topicPrefix = "bench";
        String clientPrefix = "bench";
        long brokerPid;
        int concurrency = 100;
        Duration warmup;
        String signIn = "anonymous";
        String username;
        String password;
        String productKey;
        Path devicesFile;
        Path json;
        boolean quiet;
        int quicMaxAckDelay = 5;

        Builder(Scenario scenario) {
            this.scenario = scenario;
        }

        void set(String flag, String value) {
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = intIn(flag, value, 1, 65535);
                case "--transport" -> transport = oneOf(flag, value, "tcp", "tls", "quic");
                case "--mqtt" -> mqttVersion = oneOf(flag, value, "3.1.1", "5").equals("5") ? 5 : 4;
                case "--connections" -> connections = intIn(flag, value, 1, 1_000_000);
                case "--publishers" -> publishers = intIn(flag, value, 1, 1_000_000);
                case "--subscribers" -> subscribers = intIn(flag, value, 1, 1_000_000);
                case "--qos" -> qos = intIn(flag, value, 0, 1);
                case "--payload" -> payload = intIn(flag, value, Payload.HEADER, 256 * 1024);
                case "--rate" -> rate = doubleIn(flag, value, 0, 1_000_000);
                case "--duration" -> duration = duration(flag, value);
                case "--drain" -> drain = duration(flag, value);
                case "--connect-rate" -> connectRate = intIn(flag, value, 1, 1_000_000);
                case "--inflight" -> inflight = intIn(flag, value, 1, 65535);
                case "--keepalive" -> keepalive = intIn(flag, value, 0, 65535);
                case "--clean" -> clean = Boolean.parseBoolean(oneOf(flag, value, "true", "false"));
                case "--ifaddr" -> ifaddr = addresses(flag, value);
                case "--topic-prefix" -> topicPrefix = value;
                case "--client-prefix" -> clientPrefix = value;
                case "--broker-pid" -> brokerPid = intIn(flag, value, 1, Integer.MAX_VALUE);
                case "--concurrency" -> concurrency = intIn(flag, value, 1, 100_000);
                case "--warmup" -> warmup = duration(flag, value);
                case "--sign-in" -> signIn = oneOf(flag, value, "anonymous", "device", "password");
                case "--username" -> username = value;
                case "--password" -> password = value;
                case "--product-key" -> productKey = value;
                case "--devices" -> devicesFile = Path.of(value);
                case "--json" -> json = Path.of(value);
                case "--quic-max-ack-delay" -> quicMaxAckDelay = intIn(flag, value, 1, 16_383);
                default -> throw new IllegalArgumentException("unknown option " + flag + " (see --help)");
            }
        }

        Options build() {
            InetAddress target = address("--host", host);
            if (!target.isLoopbackAddress()) {
                throw new IllegalArgumentException("--host " + host + ": only loopback addresses (127.0.0.0/8, ::1)");
            }
            if (port < 0) {
                port = switch (transport) {
                    case "tls" -> 8883;
                    case "quic" -> 14567;
                    default -> 1883;
                };
            }
            if (subscribers < 0) {
                subscribers = scenario == Scenario.FANIN ? 4 : 10;
            }
            checkSignIn();
            if (warmup == null) {
                warmup = scenario == Scenario.CHURN ? Duration.ofSeconds(3) : Duration.ZERO;
            } else if (!warmup.isZero() && (scenario == Scenario.CONN || scenario == Scenario.SUB)) {
                throw new IllegalArgumentException("--warmup: " + scenario.label() + " publishes nothing to warm up"
                        + " with (churn, pub, p2p, fanout and fanin take it)");
            }
            if (scenario == Scenario.CHURN && transport.equals("quic")) {
                throw new IllegalArgumentException("--transport quic: churn runs over tcp or tls");
            }
            return new Options(scenario, host, port, transport, mqttVersion, connections, publishers, subscribers,
                    qos, payload, rate, duration, drain, connectRate, inflight, keepalive, clean, ifaddr,
                    topicPrefix, clientPrefix, brokerPid, concurrency, warmup, signIn, username, password, productKey,
                    devicesFile, json, quiet, quicMaxAckDelay);
        }

        /** Each sign-in mode has the flags it needs and no other's; only the connecting scenarios sign in. */
        private void checkSignIn() {
            if (!signIn.equals("anonymous") && !scenario.connectsOnly()) {
                throw new IllegalArgumentException("--sign-in " + signIn + ": only conn and churn sign in otherwise"
                        + " (a device may publish and subscribe on its own topics only)");
            }
            boolean device = signIn.equals("device");
            boolean user = signIn.equals("password");
            if (device != (productKey != null) || device != (devicesFile != null)) {
                throw new IllegalArgumentException("--product-key and --devices go with --sign-in device, both of"
                        + " them");
            }
            if (user != (username != null) || user != (password != null)) {
                throw new IllegalArgumentException("--username and --password go with --sign-in password, both of"
                        + " them");
            }
        }
    }

    private static int intIn(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.replace("_", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " " + value + ": allowed is an integer from " + min + " to " + max);
    }

    private static double doubleIn(String flag, String value, double min, double max) {
        try {
            double d = Double.parseDouble(value);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " " + value + ": allowed is a number from " + min + " to " + max);
    }

    private static String oneOf(String flag, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException(flag + " " + value + ": allowed is one of " + String.join(", ", allowed));
    }

    /** 10s, 500ms, 2m, or plain seconds. */
    static Duration duration(String flag, String value) {
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " " + value + ": allowed is a duration such as 10s, 500ms or 2m");
        }
    }

    private static List<InetAddress> addresses(String flag, String value) {
        List<InetAddress> list = new ArrayList<>();
        for (String a : value.split(",")) {
            if (!a.isBlank()) {
                list.add(address(flag, a.trim()));
            }
        }
        return List.copyOf(list);
    }

    private static InetAddress address(String flag, String value) {
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(flag + " " + value + ": not an address");
        }
    }
}

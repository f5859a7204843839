package io.ternmq.server;

import io.ternmq.config.ConfigException;
import io.ternmq.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stable command line of PLATFORM.md section 1. Each value flag maps to one config key, so flags,
 * environment and file share one validation path in the config module.
 *
 * @param configFile the --config file, or null for embedded defaults only
 * @param overrides  config keys set by flags, in the dotted form ("listeners.tcp-port" -> "1884")
 * @param backupTo   with {@code ternmq backup DIR}: the directory the checkpoint goes to; null to run the broker
 * @param health     {@code ternmq health}: ask the running broker's {@code /health} instead of starting one
 */
record CommandLine(Path configFile, Map<String, String> overrides, boolean help, boolean version, Path backupTo,
                   boolean health) {

    /** Flag -> config key, in the order --help lists them. */
    static final Map<String, String> VALUE_FLAGS = new LinkedHashMap<>();

    static {
        VALUE_FLAGS.put("--bind", "listeners.bind");
        VALUE_FLAGS.put("--tcp-port", "listeners.tcp-port");
        VALUE_FLAGS.put("--tls-port", "listeners.tls-port");
        VALUE_FLAGS.put("--quic-port", "listeners.quic-port");
        VALUE_FLAGS.put("--http-port", "listeners.http-port");
        VALUE_FLAGS.put("--data-dir", "data-dir");
    }

    static CommandLine parse(String... args) {
        Path config = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean help = false;
        boolean version = false;
        Path backupTo = null;
        boolean health = false;
        int first = 0;
        if (args.length > 0 && args[0].equals("health")) {
            health = true;
            first = 1;
        }
        if (args.length > 0 && args[0].equals("backup")) {
            if (args.length < 2 || args[1].startsWith("-")) {
                throw ConfigException.invalidValue("backup", "", "a directory after backup (ternmq backup DIR)",
                        "the command line");
            }
            backupTo = Path.of(args[1]);
            first = 2;
        }
        for (int i = first; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--version", "-V" -> version = true;
                case "--allow-anonymous" -> overrides.put("allow-anonymous", value == null ? "true" : value);
                case "--config" -> {
                    value = value != null ? value : next(args, i++, name);
                    config = Path.of(value);
                }
                default -> {
                    String key = VALUE_FLAGS.get(name);
                    if (key == null) {
                        throw ConfigException.invalidValue("command line", arg, "one of the options --help lists",
                                "the command line");
                    }
                    overrides.put(key, value != null ? value : next(args, i++, name));
                }
            }
        }
        return new CommandLine(config, overrides, help, version, backupTo, health);
    }

    private static String next(String[] args, int i, String flag) {
        if (i + 1 >= args.length) {
            throw ConfigException.invalidValue(flag, "", "a value after " + flag, "the command line");
        }
        return args[i + 1];
    }

    static String usage() {
        StringBuilder keys = new StringBuilder("\nConfiguration keys (YAML path, environment variable):\n");
        for (String key : ConfigLoader.keys()) {
            keys.append(String.format("  %-32s %s%n", key, ConfigLoader.envName(key)));
        }
        keys.append("\nEvery key, its default and meaning: docs/configuration.md\n");
        return """
                Usage: java -jar ternmq.jar [options]
                       java -jar ternmq.jar backup DIR [options]
                       java -jar ternmq.jar passwd [-b] [-D] FILE USER [PASSWORD]
                       java -jar ternmq.jar health [options]

                Starts the ternmq MQTT broker. With no options it runs on embedded defaults:
                MQTT over TCP on 127.0.0.1:1883, MQTT over TLS on 127.0.0.1:8883 (with a self-signed
                certificate generated into ./data/tls on first start), MQTT over QUIC on UDP
                127.0.0.1:14567 (ALPN mqtt, same certificate), data in ./data.

                backup DIR writes a consistent copy of the session store ({data-dir}/store) to DIR, which must
                not exist yet; it works with the broker stopped or running (docs/storage.md). It reads the
                same options, so give it the --config or --data-dir the broker runs with.

                health asks the broker that runs with these options for /health on its admin API (over
                loopback when it binds every address) and exits 0 when it answers 200, 1 otherwise: a
                container's HEALTHCHECK or a supervisor's probe.

                passwd adds or changes a user of a Mosquitto-format password file (auth.password-file) as
                mosquitto_passwd does: it asks for the password (or reads a line from a pipe); -b takes it
                from the command line, -D deletes the user. A running broker picks the change up by itself.

                Options:
                  --config FILE       read configuration from a YAML file (docs/configuration.md)
                  --bind ADDRESS      address every listener binds to (listeners.bind, default 127.0.0.1)
                  --tcp-port N        MQTT over TCP port, 0 turns it off (listeners.tcp-port, default 1883)
                  --tls-port N        MQTT over TLS port, 0 turns it off (listeners.tls-port, default 8883)
                  --quic-port N       MQTT over QUIC UDP port, 0 turns it off (listeners.quic-port, default 14567)
                  --http-port N       HTTP admin API port, 0 turns it off (listeners.http-port, default 18083)
                  --data-dir DIR      data directory (data-dir, default ./data)
                  --allow-anonymous   accept clients without credentials on a non-loopback address
                  --help              print this help and exit
                  --version           print the version and exit

                Every configuration key can also be set as an environment variable TERNMQ_<KEY>,
                e.g. TERNMQ_LIMITS_MAX_CONNECTIONS=5000. Precedence: defaults < file < environment < flags.
                A bad value stops start-up with exit code 2 and one line naming the key.
                SIGHUP re-reads the TLS certificate files (docs/tls.md).
                """ + keys;
    }
}

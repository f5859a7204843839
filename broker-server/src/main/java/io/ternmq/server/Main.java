package io.ternmq.server;

import ch.qos.logback.classic.Level;
import io.netty.util.ResourceLeakDetector;
import io.ternmq.config.BrokerConfig;
import io.ternmq.config.ConfigException;
import io.ternmq.config.ConfigLoader;
import io.ternmq.core.trace.MessageTrace;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import java.util.Arrays;
import io.ternmq.auth.password.Passwd;

/** The entry point of {@code ternmq.jar}. */
public final class Main {

    /** Exit code for a configuration mistake (PLATFORM.md 1), or a listener whose port another process holds. */
    static final int EXIT_CONFIG = 2;
    /** Exit code when the broker could not start for another reason (an unreadable data directory, say). */
    static final int EXIT_START_FAILED = 1;

    private Main() {
    }

    /**
     * Netty's buffer leak detector samples one allocation in 128 and records a stack trace for it: a debugging
     * aid that cost about 1% of the broker's CPU under load. Off in the server unless asked for with
     * {@code -Dio.netty.leakDetection.level=...}; the test suites run it at PARANOID.
     */
    static void quietLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    public static void main(String[] args) {
        PrintStream err = System.err;
        TernMq server;
        quietLeakDetector();
        if (args.length > 0 && args[0].equals("passwd")) {
            // mosquitto_passwd's job: its own arguments, no broker configuration
            System.exit(Passwd.run(Arrays.copyOfRange(args, 1, args.length), System.in, System.out, err));
            return;
        }
        try {
            CommandLine commandLine = CommandLine.parse(args);
            if (commandLine.help()) {
                System.out.print(CommandLine.usage());
                return;
            }
            if (commandLine.version()) {
                System.out.println("ternmq " + version());
                return;
            }
            if (commandLine.health()) {
                System.exit(Health.check(ConfigLoader.load(commandLine.configFile(), System.getenv(),
                        commandLine.overrides()), System.out, err));
                return;
            }
            if (commandLine.backupTo() != null) {
                System.exit(backup(commandLine, System.getenv()));
                return;
            }
            server = start(commandLine, System.getenv());
        } catch (ConfigException | ListenerBindException | io.ternmq.store.StoreException e) {
            err.println("ternmq: " + e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        } catch (Exception e) {
            err.println("ternmq: could not start: " + describe(e));
            System.exit(EXIT_START_FAILED);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            try {
                server.close();
            } finally {
                stopped.countDown(); // exit even if the drain failed half-way
            }
        };
        // SIGTERM drains and exits 0 (a JVM shutdown hook would exit 143).
        Signal.handle(new Signal("TERM"), signal -> stop.run());
        Signal.handle(new Signal("INT"), signal -> stop.run());
        // SIGHUP re-reads the TLS certificate files, as the reload-interval poll does when they change.
        Signal.handle(new Signal("HUP"), signal -> server.reloadTls("SIGHUP"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    /** {@code ternmq backup DIR}: 0 with the checkpoint written, 1 when it could not be. */
    private static int backup(CommandLine commandLine, Map<String, String> env) {
        BrokerConfig config = ConfigLoader.load(commandLine.configFile(), env, commandLine.overrides());
        Backup.Result result;
        try {
            result = Backup.run(config, commandLine.backupTo());
        } catch (Backup.BackupException | io.ternmq.store.StoreException e) {
            System.err.println("ternmq backup: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        System.out.println(result.describe(config.dataDir().resolve(SessionStorage.STORE_DIRECTORY)));
        return 0;
    }

    /** Parses the command line and starts the broker exactly as the jar does; for tests too. */
    public static TernMq start(String[] args, Map<String, String> env) throws InterruptedException {
        return start(CommandLine.parse(args), env);
    }

    private static TernMq start(CommandLine commandLine, Map<String, String> env) throws InterruptedException {
        BrokerConfig config = ConfigLoader.load(commandLine.configFile(), env, commandLine.overrides());
        applyLogLevels(config.log().level());
        return TernMq.start(config);
    }

    /**
     * log.level sets the root logger. The message trace logger logs at info whatever the root's level: what it
     * logs is what is traced (every client with log.trace, else the clients and topics turned on at run time).
     */
    private static void applyLogLevels(String level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.toLevel(level, Level.INFO));
        }
        if (LoggerFactory.getLogger(MessageTrace.LOGGER) instanceof ch.qos.logback.classic.Logger traceLogger) {
            traceLogger.setLevel(Level.INFO);
        }
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/ternmq-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null) {
            message = message == null ? e.getCause().getMessage() : message + " (" + e.getCause().getMessage() + ")";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}

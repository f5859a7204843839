package io.ternmq.bench;

import io.ternmq.bench.fuzz.CaseReplay;
import io.ternmq.bench.fuzz.FuzzOptions;
import io.ternmq.bench.fuzz.FuzzRun;
import io.ternmq.bench.fuzz.FuzzSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** The entry point of {@code ternmq-bench.jar}: a load run, a fuzz run, or the side-by-side table of two runs. */
public final class BenchMain {

    static final int EXIT_OK = 0;
    static final int EXIT_UNREACHABLE = 1;
    static final int EXIT_USAGE = 2;

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line as the jar does and returns its exit code; for tests too. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || args[0].equals("help")) {
            out.print(Options.USAGE);
            return args.length == 0 ? EXIT_USAGE : EXIT_OK;
        }
        try {
            if (args[0].equals("table")) {
                return CompareTable.run(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args[0].equals("value")) {
                return value(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args[0].equals("relay")) {
                return MigrationRelay.main(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args[0].equals("echo")) {
                return TransportEcho.main(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args[0].equals("streams")) {
                return StreamIsolation.main(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args[0].equals("fuzz")) {
                return fuzz(Arrays.copyOfRange(args, 1, args.length), out);
            }
            Options options = Options.parse(args);
            if (options.scenario() != Scenario.CHURN && !options.warmup().isZero()) {
                // Two rounds: the first clients' closing and the next ones' opening take paths the steady load
                // never did, and the JIT's first sight of them undoes code compiled without them (in the broker
                // too); in the measured run that showed as seconds of a p99 ten times the steady one.
                out.printf(Locale.ROOT, "# warm-up: the same load for %.1f s on clients and topics of its own, in"
                        + " two rounds of connect, load and close, not counted%n",
                        options.warmup().toMillis() / 1000.0);
                for (int round = 0; round < 2; round++) {
                    new BenchRun(options.warmupRun(), out).run();
                }
            }
            Result result = new BenchRun(options, out).run();
            result.printSummary(out);
            if (options.json() != null) {
                Files.writeString(options.json(), result.json());
            }
            return EXIT_OK;
        } catch (IllegalArgumentException e) {
            err.println("ternmq-bench: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException e) {
            err.println("ternmq-bench: " + e.getMessage());
            return EXIT_UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("ternmq-bench: interrupted");
            return EXIT_UNREACHABLE;
        }
    }

    /** {@code fuzz [options]}: hostile packets, one connection each; or one of them again with --only-case. */
    private static int fuzz(String[] args, PrintStream out) throws IOException, InterruptedException {
        FuzzOptions options = FuzzOptions.parse(args);
        if (options.onlyCase() >= 0) {
            CaseReplay.run(options, out);
            return EXIT_OK;
        }
        FuzzSummary summary;
        try (FuzzRun run = new FuzzRun(options, out, new BrokerProbe(options.brokerPid())::rssKib)) {
            summary = run.run();
        }
        summary.print(out);
        if (options.json() != null) {
            Files.writeString(options.json(), Json.write(summary.values()));
        }
        return EXIT_OK;
    }

    /** {@code value FILE KEY}: one number of a result, e.g. messages.lost, for scripts such as compare.sh. */
    private static int value(String[] args, PrintStream out) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("value needs a result file and a key such as latency_ms.p99");
        }
        double v = Json.number(Json.parse(Files.readString(Path.of(args[0]))), args[1]);
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException(args[0] + " has no number at " + args[1]);
        }
        out.println(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
        return EXIT_OK;
    }
}

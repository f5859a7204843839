package io.ternmq.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code table A.json B.json [NAME_A NAME_B]}: two results of the same scenario side by side, with the ratio
 * A/B. The comparison runner calls it with ternmq as A and Mosquitto as B.
 */
final class CompareTable {

    /** A row: its label and the result key it shows. */
    private record Row(String label, String key) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("clients connected", "connections.connected"),
            new Row("connect failures", "connections.failed"),
            new Row("CONNACK refusals", "connections.refused"),
            new Row("connections per second", "connections.connect_rate"),
            new Row("connect p50 ms", "connect_ms.p50"),
            new Row("connect p99 ms", "connect_ms.p99"),
            new Row("connect max ms", "connect_ms.max"),
            new Row("published", "messages.published"),
            new Row("publish rate msg/s", "messages.publish_rate"),
            new Row("received", "messages.received"),
            new Row("delivered rate msg/s", "messages.delivered_rate"),
            new Row("lost", "messages.lost"),
            new Row("duplicates", "messages.duplicates"),
            new Row("reordered", "messages.reordered"),
            new Row("latency p50 ms", "latency_ms.p50"),
            new Row("latency p99 ms", "latency_ms.p99"),
            new Row("latency p99.9 ms", "latency_ms.p99_9"),
            new Row("latency max ms", "latency_ms.max"),
            new Row("broker CPU s", "broker.cpu_seconds"),
            new Row("broker peak RSS MiB", "broker.peak_rss_kib"),
            new Row("broker RSS/conn KiB", "broker.rss_per_connection_kib"));

    private CompareTable() {
    }

    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length != 2 && args.length != 4) {
            throw new IllegalArgumentException("table needs two result files and optionally two names");
        }
        Object a = Json.parse(Files.readString(Path.of(args[0])));
        Object b = Json.parse(Files.readString(Path.of(args[1])));
        String nameA = args.length == 4 ? args[2] : "A";
        String nameB = args.length == 4 ? args[3] : "B";
        out.printf(Locale.ROOT, "| %-24s | %14s | %14s | %9s |%n", "", nameA, nameB, nameA + "/" + nameB);
        out.printf("|%s|%s:|%s:|%s:|%n", "-".repeat(26), "-".repeat(15), "-".repeat(15), "-".repeat(10));
        for (Row row : ROWS) {
            double va = Json.number(a, row.key());
            double vb = Json.number(b, row.key());
            if (isAbsent(va) && isAbsent(vb)) {
                continue;
            }
            if (row.key().endsWith("_kib") && !row.key().contains("per_connection")) {
                va = va / 1024;
                vb = vb / 1024;
            }
            out.printf(Locale.ROOT, "| %-24s | %14s | %14s | %9s |%n", row.label(), cell(va), cell(vb),
                    ratio(va, vb));
        }
        return BenchMain.EXIT_OK;
    }

    private static boolean isAbsent(double v) {
        return Double.isNaN(v) || v < 0;
    }

    private static String cell(double v) {
        if (isAbsent(v)) {
            return "-";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
                : String.format(Locale.ROOT, "%,.2f", v);
    }

    private static String ratio(double a, double b) {
        if (isAbsent(a) || isAbsent(b) || b == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }
}

package io.ternmq.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as the summary table and as JSON (the same keys, so {@code table} can put two runs
 * side by side). Latencies in milliseconds, rates per second, memory in KiB; -1 where not measured.
 */
final class Result {

    private final Map<String, Object> values = new LinkedHashMap<>();

    Result(Options o, Stats stats, Measured m) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("scenario", o.scenario().label());
        run.put("mqtt", o.mqttVersion() == 5 ? "5" : "3.1.1");
        run.put("transport", o.transport());
        run.put("qos", o.qos());
        run.put("payload_bytes", o.payloadSize());
        run.put("rate_per_publisher", o.rate());
        run.put("publishers", o.scenario().publishers(o));
        run.put("subscribers", o.scenario().subscribers(o));
        run.put("connections", o.scenario() == Scenario.CONN ? o.connections() : 0);
        run.put("concurrency", o.scenario() == Scenario.CHURN ? o.concurrency() : 0);
        run.put("sign_in", o.signIn());
        run.put("duration_s", m.publishSeconds());
        values.put("run", run);

        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("connected", stats.connected.sum());
        conn.put("failed", stats.connectFailed.sum());
        conn.put("refused", stats.refused.sum());
        conn.put("cycles", stats.cycles.sum());
        conn.put("dropped", m.droppedDuringRun());
        conn.put("errors", stats.errors.sum());
        conn.put("connect_rate", m.connectRate());
        values.put("connections", conn);
        values.put("connect_ms", percentiles(stats.connectLatency()));

        long published = stats.published.sum();
        long received = stats.received.sum();
        long unique = stats.unique.sum();
        Map<String, Object> msgs = new LinkedHashMap<>();
        msgs.put("published", published);
        msgs.put("acked", stats.acked.sum());
        msgs.put("expected", m.expected());
        msgs.put("received", received);
        msgs.put("lost", m.expected() >= 0 ? Math.max(0, m.expected() - unique) : m.gaps());
        msgs.put("duplicates", stats.duplicates.sum());
        msgs.put("reordered", stats.reordered.sum());
        msgs.put("publish_rate", rate(published, m.publishSeconds()));
        msgs.put("delivered_rate", rate(received, m.deliverSeconds()));
        values.put("messages", msgs);
        values.put("latency_ms", percentiles(stats.latency()));

        Map<String, Object> broker = new LinkedHashMap<>();
        broker.put("cpu_seconds", m.brokerCpuSeconds());
        broker.put("rss_before_kib", m.rssBeforeKib());
        broker.put("rss_loaded_kib", m.rssLoadedKib());
        broker.put("peak_rss_kib", m.peakRssKib());
        broker.put("rss_per_connection_kib", m.rssPerConnectionKib());
        values.put("broker", broker);
    }

    /** What the run measured besides the shared counters. */
    record Measured(double publishSeconds, double deliverSeconds, long expected, long gaps, long droppedDuringRun,
                    double connectRate, double brokerCpuSeconds, long rssBeforeKib, long rssLoadedKib,
                    long peakRssKib, double rssPerConnectionKib) {
    }

    Map<String, Object> values() {
        return values;
    }

    long messages(String key) {
        return ((Number) ((Map<?, ?>) values.get("messages")).get(key)).longValue();
    }

    String json() {
        return Json.write(values);
    }

    void printSummary(PrintStream out) {
        out.println();
        out.println("summary");
        for (Map.Entry<String, Object> section : values.entrySet()) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) section.getValue()).entrySet()) {
                out.printf(Locale.ROOT, "  %-34s %s%n", section.getKey() + "." + e.getKey(), SummaryFormat.of(e.getValue()));
            }
        }
    }


    private static Map<String, Object> percentiles(Histogram micros) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", micros.getTotalCount());
        boolean empty = micros.getTotalCount() == 0;
        p.put("p50", empty ? -1.0 : micros.getValueAtPercentile(50) / 1000.0);
        p.put("p99", empty ? -1.0 : micros.getValueAtPercentile(99) / 1000.0);
        p.put("p99_9", empty ? -1.0 : micros.getValueAtPercentile(99.9) / 1000.0);
        p.put("max", empty ? -1.0 : micros.getMaxValue() / 1000.0);
        p.put("mean", empty ? -1.0 : micros.getMean() / 1000.0);
        return p;
    }

    private static double rate(long count, double seconds) {
        return seconds > 0 ? count / seconds : 0.0;
    }
}

package io.ternmq.bench.fuzz;

import io.ternmq.bench.SummaryFormat;
import io.ternmq.fuzz.Completion;
import io.ternmq.fuzz.FuzzCase;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a fuzz run as the summary table and as the ordered map the bench writes as JSON (the same keys):
 * counts per outcome, rate, completions, what the broker sent before closing, broker memory (KiB, -1 when not
 * sampled) and the first hung cases with everything needed to replay them.
 */
public final class FuzzSummary {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final FuzzOptions options;

    FuzzSummary(FuzzOptions o, FuzzTally tally, double seconds, RssSampler rss) {
        this.options = o;
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "fuzz");
        run.put("host", o.host());
        run.put("port", o.port());
        run.put("seed", o.seed());
        run.put("cases", o.cases());
        run.put("concurrency", o.concurrency());
        run.put("timeout_ms", o.timeoutMillis());
        run.put("cap_bytes", FuzzOptions.CAP_BYTES);
        values.put("run", run);

        Map<String, Object> outcomes = new LinkedHashMap<>();
        outcomes.put("cases", tally.done());
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome.key(), tally.count(outcome));
        }
        values.put("outcomes", outcomes);

        Map<String, Object> rate = new LinkedHashMap<>();
        rate.put("seconds", seconds);
        rate.put("cases_per_second", seconds > 0 ? tally.done() / seconds : 0.0);
        values.put("rate", rate);

        Map<String, Object> completion = new LinkedHashMap<>();
        for (Completion.Status s : Completion.Status.values()) {
            completion.put(s.name().toLowerCase(Locale.ROOT), tally.count(s));
        }
        values.put("completion", completion);
        values.put("closed_after", new LinkedHashMap<String, Object>(tally.closedAfter()));
        if (!tally.refusedBecause().isEmpty()) {
            values.put("refused_connect_because", new LinkedHashMap<String, Object>(tally.refusedBecause()));
        }

        Map<String, Object> broker = new LinkedHashMap<>();
        broker.put("rss_start_kib", rss.start());
        broker.put("rss_peak_kib", rss.peak());
        broker.put("rss_end_kib", rss.end());
        values.put("broker", broker);

        Map<String, Object> hung = new LinkedHashMap<>();
        for (CaseResult r : tally.hungSamples()) {
            FuzzCase c = r.fuzzCase();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("seed_packet", c.seed());
            one.put("level", c.level());
            one.put("after_connect", c.afterConnect());
            one.put("mutations", String.join("; ", c.mutations()));
            one.put("packet", HEX.formatHex(c.packet()));
            one.put("padding", r.completion().padding());
            one.put("all_written", r.allWritten());
            one.put("last_received", r.last());
            hung.put(Long.toString(c.index()), one);
        }
        values.put("hung", hung);
    }

    /** The sections as the JSON result holds them. */
    public Map<String, Object> values() {
        return values;
    }

    public long count(Outcome outcome) {
        return ((Number) ((Map<?, ?>) values.get("outcomes")).get(outcome.key())).longValue();
    }

    public void print(PrintStream out) {
        out.println();
        out.println("summary");
        for (Map.Entry<String, Object> section : values.entrySet()) {
            if (section.getKey().equals("hung")) {
                continue;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) section.getValue()).entrySet()) {
                out.printf(Locale.ROOT, "  %-40s %s%n", section.getKey() + "." + e.getKey(), SummaryFormat.of(e.getValue()));
            }
        }
        Map<?, ?> hung = (Map<?, ?>) values.get("hung");
        if (hung.isEmpty()) {
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "hung cases (the first %d by index; replay one with --seed %d --only-case INDEX)%n",
                hung.size(), options.seed());
        for (Map.Entry<?, ?> e : hung.entrySet()) {
            Map<?, ?> c = (Map<?, ?>) e.getValue();
            out.printf(Locale.ROOT, "  #%s %s, %s, +%s zero bytes%s%n    mutations: %s%n    %s%n", e.getKey(),
                    c.get("seed_packet"), Boolean.TRUE.equals(c.get("after_connect")) ? "after CONNECT"
                            : "first packet", c.get("padding"),
                    Boolean.TRUE.equals(c.get("all_written")) ? "" : " (not all bytes were written)",
                    c.get("mutations"), c.get("packet"));
        }
    }

}

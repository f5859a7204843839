package io.ternmq.bench.fuzz;

import io.ternmq.fuzz.Completion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of a run, written by every event loop without locks: cases per outcome and per completion, what the
 * broker sent last before closing, why a CONNECT was refused, and the first hung cases by index.
 */
final class FuzzTally {

    /** Hung cases kept for the report: the lowest indexes, so two runs of one seed list the same ones. */
    static final int HUNG_SAMPLES = 20;

    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final Map<Completion.Status, LongAdder> completions = new EnumMap<>(Completion.Status.class);
    private final Map<String, LongAdder> closedAfter = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> refusedBecause = new ConcurrentHashMap<>();
    private final TreeMap<Long, CaseResult> hung = new TreeMap<>();
    private final LongAdder done = new LongAdder();

    FuzzTally() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new LongAdder());
        }
        for (Completion.Status s : Completion.Status.values()) {
            completions.put(s, new LongAdder());
        }
    }

    void record(CaseResult r) {
        outcomes.get(r.outcome()).increment();
        completions.get(r.completion().status()).increment();
        switch (r.outcome()) {
            case CLOSED -> closedAfter.computeIfAbsent(r.last(), k -> new LongAdder()).increment();
            case REFUSED_CONNECT, CONNECT_FAILED ->
                    refusedBecause.computeIfAbsent(r.last(), k -> new LongAdder()).increment();
            case HUNG -> keepHung(r);
            default -> { }
        }
        done.increment();
    }

    private synchronized void keepHung(CaseResult r) {
        hung.put(r.fuzzCase().index(), r);
        if (hung.size() > HUNG_SAMPLES) {
            hung.pollLastEntry();
        }
    }

    long done() {
        return done.sum();
    }

    long count(Outcome o) {
        return outcomes.get(o).sum();
    }

    long count(Completion.Status s) {
        return completions.get(s).sum();
    }

    /** What the broker sent last before it closed, most frequent first. */
    Map<String, Long> closedAfter() {
        return byCount(closedAfter);
    }

    /** Why the CONNECT before a case failed, most frequent first; empty in a healthy run. */
    Map<String, Long> refusedBecause() {
        return byCount(refusedBecause);
    }

    synchronized List<CaseResult> hungSamples() {
        return new ArrayList<>(hung.values());
    }

    private static Map<String, Long> byCount(Map<String, LongAdder> counts) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, LongAdder> e) -> -e.getValue().sum())
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> sorted.put(e.getKey(), e.getValue().sum()));
        return sorted;
    }
}

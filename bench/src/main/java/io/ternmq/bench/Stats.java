package io.ternmq.bench;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The counters and histograms every client thread writes to without locks. Latencies are recorded in
 * microseconds; {@link #sampleInterval()} moves what was recorded since the last call into the totals and returns
 * the interval's histograms for the progress line.
 */
final class Stats {

    final LongAdder connected = new LongAdder();
    final LongAdder connectFailed = new LongAdder();
    /** CONNECTs the broker refused with a CONNACK error. */
    final LongAdder refused = new LongAdder();
    /** churn: every accepted CONNACK, the warm-up's included (the progress line); connected counts the measured. */
    final LongAdder acceptedAll = new LongAdder();
    /** churn: connections that went the whole way: CONNACK, DISCONNECT, closed by the broker. */
    final LongAdder cycles = new LongAdder();
    /** Connections that ended before the run did. */
    final LongAdder dropped = new LongAdder();
    /** Protocol surprises: a refused CONNECT or SUBSCRIBE, a payload that is not a bench message. */
    final LongAdder errors = new LongAdder();
    final LongAdder published = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder unique = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder reordered = new LongAdder();
    /** System.nanoTime of the latest message received, for the delivered rate. */
    final LongAccumulator lastReceiveNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);

    private final Recorder latency = new Recorder(3);
    private final Recorder connectLatency = new Recorder(3);
    private final Histogram latencyTotal = new Histogram(3);
    private final Histogram connectTotal = new Histogram(3);
    private Histogram latencyInterval;
    private Histogram connectInterval;

    void recordLatency(long nanos) {
        latency.recordValue(Math.max(0, nanos / 1000));
    }

    void recordConnect(long nanos) {
        connectLatency.recordValue(Math.max(0, nanos / 1000));
    }

    /** The latencies recorded since the previous call; also added to the totals. One caller thread only. */
    synchronized Histogram sampleInterval() {
        latencyInterval = latency.getIntervalHistogram(latencyInterval);
        latencyTotal.add(latencyInterval);
        connectInterval = connectLatency.getIntervalHistogram(connectInterval);
        connectTotal.add(connectInterval);
        return latencyInterval;
    }

    /** The connect latencies of the last {@link #sampleInterval()}; null before the first. One caller thread only. */
    synchronized Histogram lastConnectInterval() {
        return connectInterval;
    }

    /** End-to-end latency over the whole run, in microseconds. */
    synchronized Histogram latency() {
        sampleInterval();
        return latencyTotal.copy();
    }

    /** CONNECT to CONNACK over the whole run, in microseconds. */
    synchronized Histogram connectLatency() {
        sampleInterval();
        return connectTotal.copy();
    }
}

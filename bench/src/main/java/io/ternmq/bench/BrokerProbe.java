package io.ternmq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The broker process as /proc sees it (Linux, same machine): CPU seconds used (utime + stime) and resident
 * memory now (VmRSS) and at its peak (VmHWM). A pid of 0 probes nothing and every reading is -1.
 */
final class BrokerProbe {

    /** USER_HZ: the unit of utime and stime. 100 on every Linux this runs on (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long pid;

    BrokerProbe(long pid) {
        this.pid = pid;
    }

    boolean enabled() {
        return pid > 0;
    }

    /** utime + stime of the process, in seconds; -1 when unknown. */
    double cpuSeconds() {
        if (!enabled()) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]); // field 14 of the whole line
            long stime = Long.parseLong(fields[12]); // field 15
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident memory now, in KiB; -1 when unknown. */
    long rssKib() {
        return statusKib("VmRSS:");
    }

    /** Peak resident memory since the process started, in KiB; -1 when unknown. */
    long peakRssKib() {
        return statusKib("VmHWM:");
    }

    private long statusKib(String key) {
        if (!enabled()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

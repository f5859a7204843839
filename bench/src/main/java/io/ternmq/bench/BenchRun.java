package io.ternmq.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One load run: subscribers connect and subscribe first, then publishers, then (conn) the idle connections;
 * the publishers publish for the duration; the run waits for what is still on its way (at most --drain) and
 * reads the counters before any client is closed. churn is a loop of short connections instead ({@link Churn}).
 */
final class BenchRun {

    private static final long SETTLE_MILLIS = 1000;

    private final Options o;
    private final PrintStream out;
    private final Stats stats = new Stats();
    private final BrokerProbe probe;
    private Credentials credentials;

    BenchRun(Options options, PrintStream out) {
        this.o = options;
        this.out = out;
        this.probe = new BrokerProbe(options.brokerPid());
    }

    Result run() throws IOException, InterruptedException {
        Scenario s = o.scenario();
        credentials = Credentials.of(o);
        if (s == Scenario.CONN && o.signIn().equals("device") && credentials.devices() < o.connections()) {
            throw new IllegalArgumentException("--sign-in device: conn needs a device for each of its "
                    + o.connections() + " connections, --devices has " + credentials.devices());
        }
        if (s == Scenario.CHURN) {
            return churn();
        }
        double cpuStart = probe.cpuSeconds();
        long rssBefore = probe.rssKib();
        Progress progress = new Progress(stats, out, o.quiet(), false);
        try (ClientPool pool = new ClientPool(o)) {
            List<BenchClient> clients = clients(s);
            long connectStart = System.nanoTime();
            int ready = new Connector(pool, stats, o.connectRate(), out).connectAll(clients);
            double connectRate = ready / seconds(System.nanoTime() - connectStart);
            if (ready == 0) {
                throw new IOException("no client could connect to " + o.host() + ":" + o.port());
            }
            out.printf(Locale.ROOT, "# %d of %d clients ready; %s for %.1f s%n", ready, clients.size(),
                    s == Scenario.CONN ? "holding" : "publishing", o.duration().toMillis() / 1000.0);

            long publishStart = System.nanoTime();
            long deadline = publishStart + o.duration().toNanos();
            for (BenchClient c : clients) {
                if (c.publisher() != null && c.ready().isDone() && !c.ready().isCompletedExceptionally()) {
                    c.publisher().start(c.channel(), deadline);
                }
            }
            long rssLoaded = -1;
            if (s == Scenario.CONN) {
                Thread.sleep(SETTLE_MILLIS);
                rssLoaded = probe.rssKib();
            }
            sleepUntil(deadline);
            stopPublishers(clients);
            double publishSeconds = seconds(System.nanoTime() - publishStart);
            long expected = s.receiversPerMessage(o) < 0 ? -1 : stats.published.sum() * s.receiversPerMessage(o);
            drain(expected);
            if (rssLoaded < 0) {
                rssLoaded = probe.rssKib();
            }
            long lastReceive = stats.lastReceiveNanos.get();
            double deliverSeconds = stats.received.sum() == 0 ? 0 : seconds(lastReceive - publishStart);
            long gaps = clients.stream().map(BenchClient::streams).filter(x -> x != null).distinct()
                    .mapToLong(Streams::gaps).sum();
            double perConnection = s == Scenario.CONN && rssBefore > 0 ? (rssLoaded - rssBefore) / (double) ready : -1;
            return new Result(o, stats, new Result.Measured(publishSeconds, deliverSeconds, expected, gaps,
                    stats.dropped.sum(), connectRate,
                    probe.enabled() ? probe.cpuSeconds() - cpuStart : -1, rssBefore, rssLoaded,
                    probe.peakRssKib(), perConnection));
        } finally {
            progress.close();
        }
    }

    /**
     * churn: the workers loop through the warm-up and the measured time; the rate is the CONNACKs of the measured
     * time over its length, the broker's CPU what it used in it.
     */
    private Result churn() throws IOException, InterruptedException {
        long rssBefore = probe.rssKib();
        Progress progress = new Progress(stats, out, o.quiet(), true);
        try (ClientPool pool = new ClientPool(o)) {
            Churn churn = new Churn(pool, o, stats, credentials);
            out.printf(Locale.ROOT, "# %d clients connecting and disconnecting (sign-in %s): %.1f s warm-up, then"
                    + " %.1f s counted%n", o.concurrency(), o.signIn(), o.warmup().toMillis() / 1000.0,
                    o.duration().toMillis() / 1000.0);
            long countFrom = System.nanoTime() + o.warmup().toNanos();
            long deadline = countFrom + o.duration().toNanos();
            churn.start(countFrom, deadline);
            sleepUntil(countFrom);
            double cpuStart = probe.cpuSeconds();
            sleepUntil(deadline);
            double seconds = o.duration().toNanos() / 1e9;
            double cpu = probe.enabled() ? probe.cpuSeconds() - cpuStart : -1;
            long rssLoaded = probe.rssKib();
            churn.finish();
            long connected = stats.connected.sum();
            if (churn.firstProblem() != null) {
                out.println("# " + stats.refused.sum() + " refused, " + stats.connectFailed.sum()
                        + " failed to connect, " + stats.errors.sum() + " errors; the first: " + churn.firstProblem());
            }
            if (connected == 0 && stats.refused.sum() == 0) {
                throw new IOException("no client could connect to " + o.host() + ":" + o.port()
                        + (churn.firstProblem() == null ? "" : ": " + churn.firstProblem()));
            }
            return new Result(o, stats, new Result.Measured(seconds, 0, 0, 0, 0, connected / seconds, cpu, rssBefore,
                    rssLoaded, probe.peakRssKib(), -1));
        } finally {
            progress.close();
        }
    }

    private List<BenchClient> clients(Scenario s) {
        List<BenchClient> clients = new ArrayList<>();
        Streams group = s.sharedSubscription() ? new Streams(stats) : null;
        for (int i = 0; i < s.subscribers(o); i++) {
            clients.add(new BenchClient(clientId("sub", i), o, stats, s.filter(o, i),
                    group != null ? group : new Streams(stats), null));
        }
        for (int i = 0; i < s.publishers(o); i++) {
            clients.add(new BenchClient(clientId("pub", i), o, stats, null, null,
                    new Publisher(i, s.topic(o, i), o, stats)));
        }
        if (s == Scenario.CONN) {
            for (int i = 0; i < o.connections(); i++) {
                clients.add(new BenchClient(credentials.login(clientId("conn", i), i), o, stats, null, null, null));
            }
        }
        return clients;
    }

    private String clientId(String role, int i) {
        return o.clientPrefix() + "-" + o.scenario().label() + "-" + role + "-" + i;
    }

    /**
     * Waits until every owed copy arrived, or nothing more arrived for a second (half a second when what is owed
     * is not known: sub), or --drain passed.
     */
    private void drain(long expected) throws InterruptedException {
        long until = System.nanoTime() + o.drain().toNanos();
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < until) {
            long unique = stats.unique.sum();
            if (expected >= 0 && unique >= expected) {
                return;
            }
            long received = stats.received.sum();
            if (received != last) {
                last = received;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(expected < 0 ? 500 : 1000)) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Stops every publisher on its own event loop and waits for that, so nothing is published after the count of
     * what is owed is taken (a pump that began just before the deadline would otherwise still be sending).
     */
    private static void stopPublishers(List<BenchClient> clients) throws InterruptedException {
        List<Future<?>> stops = new ArrayList<>();
        for (BenchClient c : clients) {
            if (c.publisher() != null && c.channel() != null) {
                try {
                    stops.add(c.channel().eventLoop().submit(c.publisher()::stop));
                } catch (RejectedExecutionException e) {
                    // its loop is gone: nothing more is published there
                }
            }
        }
        for (Future<?> stop : stops) {
            try {
                stop.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // a stuck loop: that publisher is counted as it stands
            }
        }
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}

package io.ternmq.bench.fuzz;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ternmq.fuzz.FuzzCase;
import io.ternmq.fuzz.FuzzCases;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A fuzz run: the cases of one seed, each on a connection of its own, at most {@code --concurrency} at once, over
 * one event loop group (native epoll where available). Connections close with SO_LINGER 0: a reset leaves no
 * TIME_WAIT behind, so a million cases do not run out of ephemeral ports.
 */
public final class FuzzRun implements AutoCloseable {

    private static final int PROGRESS_SECONDS = 10;

    private final FuzzOptions options;
    private final PrintStream out;
    private final RssSampler rss;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final InetSocketAddress broker;

    /** @param brokerRssKib the broker's RSS in KiB now, -1 when unknown (see BrokerProbe) */
    public FuzzRun(FuzzOptions options, PrintStream out, LongSupplier brokerRssKib) {
        this.options = options;
        this.out = out;
        this.rss = new RssSampler(brokerRssKib);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("fuzz-io", true), io);
        this.broker = new InetSocketAddress(options.host(), options.port());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_LINGER, 0)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(5_000, options.timeoutMillis()));
    }

    /** Runs every case and returns the summary; IOException when the broker cannot be reached at all. */
    public FuzzSummary run() throws IOException, InterruptedException {
        checkReachable();
        FuzzCases cases = new FuzzCases(options.seed());
        FuzzTally tally = new FuzzTally();
        Semaphore inFlight = new Semaphore(options.concurrency());
        long startNanos = System.nanoTime();
        rss.sample();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fuzz-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(new Runnable() {
            private long seconds;
            private long doneBefore;

            @Override
            public void run() {
                rss.sample();
                if (++seconds % PROGRESS_SECONDS == 0) {
                    long done = tally.done();
                    if (!options.quiet()) {
                        printProgress(tally, seconds, (done - doneBefore) / (double) PROGRESS_SECONDS);
                    }
                    doneBefore = done;
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            for (long i = 0; i < options.cases(); i++) {
                inFlight.acquire();
                start(cases.caseAt(i), result -> {
                    tally.record(result);
                    inFlight.release();
                });
            }
            inFlight.acquire(options.concurrency());
        } finally {
            ticker.shutdownNow();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        rss.sample();
        return new FuzzSummary(options, tally, seconds, rss);
    }

    /** Runs one case alone and returns how it went (--only-case). */
    public CaseResult runOne(FuzzCase fuzzCase) throws IOException, InterruptedException {
        checkReachable();
        CompletableFuture<CaseResult> result = new CompletableFuture<>();
        start(fuzzCase, result::complete);
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    private void start(FuzzCase fuzzCase, Consumer<CaseResult> verdict) {
        CaseHandler handler = new CaseHandler(fuzzCase, options.timeoutMillis(), verdict);
        ChannelFuture connect = bootstrap.clone().handler(handler).connect(broker);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                handler.connectFailed(f.cause());
            }
        });
    }

    /** One plain connection first, so that a broker that is not there is one error, not a million. */
    private void checkReachable() throws IOException, InterruptedException {
        ChannelFuture probe = bootstrap.clone().handler(new ChannelInboundHandlerAdapter())
                .connect(broker).await();
        if (!probe.isSuccess()) {
            throw new IOException("cannot reach " + options.host() + ":" + options.port() + ": "
                    + probe.cause().getMessage());
        }
        probe.channel().close().await();
    }

    /** Elapsed time, cases done, cases per second over the last interval, outcomes so far, broker RSS. */
    private void printProgress(FuzzTally tally, long seconds, double perSecond) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%5ds] %,d of %,d cases  %,.0f/s ",
                seconds, tally.done(), options.cases(), perSecond));
        for (Outcome o : Outcome.values()) {
            line.append(' ').append(o.label()).append(' ').append(String.format(Locale.ROOT, "%,d", tally.count(o)));
        }
        if (rss.end() >= 0) {
            line.append(String.format(Locale.ROOT, "  broker rss %,d KiB", rss.end()));
        }
        out.println(line);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package io.ternmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.ternmq.config.Durability;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.session.SessionData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writes of one event-loop pass go to the disk in one batch with one sync, and what waited runs after it. */
class GroupCommitTest {

    @TempDir
    Path dir;

    private RocksStore rocks;
    private DurableSessionStore store;
    /** An I/O event loop, as the session owners are. */
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();

    @AfterEach
    void close() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        if (store != null) {
            store.close();
            rocks.close();
        }
    }

    @Test
    void aPassOfManyWritesIsOneBatchAndOneSyncAndWhatWaitedRunsAfterIt() throws Exception {
        rocks = RocksStore.open(dir.resolve("store"), DurableSessionStore.TABLES);
        store = new DurableSessionStore(rocks, Durability.SYNC, Duration.ofMillis(100), 10_000, 1L << 30, 1L << 30);
        List<SessionData> sessions = new ArrayList<>();
        loop.submit(() -> {
            for (int s = 0; s < 10; s++) {
                sessions.add(store.create("dev-" + s, true));
            }
        }).get(10, TimeUnit.SECONDS);
        awaitQuiet();
        long syncsBefore = store.syncCount();
        long batchesBefore = store.batchCount();

        CountDownLatch written = new CountDownLatch(100);
        AtomicBoolean ranOnTheLoop = new AtomicBoolean();
        loop.submit(() -> {
            // One pass: 100 PUBLISHes, each queued for 10 persistent sessions, each waiting for its write.
            for (int m = 0; m < 100; m++) {
                for (SessionData session : sessions) {
                    session.offer(new Delivery(new PublishMessage("t", 1,
                            ("m" + m).getBytes(StandardCharsets.UTF_8), "pub"), 1));
                }
                store.whenWritten(() -> {
                    ranOnTheLoop.compareAndSet(false, loop.inEventLoop());
                    written.countDown();
                });
            }
        }).get(10, TimeUnit.SECONDS);

        assertTrue(written.await(10, TimeUnit.SECONDS), "the PUBACKs never came");
        assertEquals(1, store.batchCount() - batchesBefore, "1,000 queue writes of one pass in one batch");
        assertEquals(1, store.syncCount() - syncsBefore, "and one sync for them all");
        assertEquals(false, ranOnTheLoop.get(), "what waited ran on the writer, not on the loop it would block");
    }

    @Test
    void anAsyncStoreAcknowledgesOnceWrittenAndSyncsWithinItsInterval() throws Exception {
        rocks = RocksStore.open(dir.resolve("store"), DurableSessionStore.TABLES);
        store = new DurableSessionStore(rocks, Durability.ASYNC, Duration.ofMillis(200), 10_000, 1L << 30, 1L << 30);
        SessionData session = loop.submit(() -> store.create("dev", true)).get(10, TimeUnit.SECONDS);
        long syncsBefore = store.syncCount();
        CountDownLatch written = new CountDownLatch(1);
        loop.submit(() -> {
            session.offer(new Delivery(new PublishMessage("t", 1, new byte[] {1}, "pub"), 1));
            store.whenWritten(written::countDown);
        }).get(10, TimeUnit.SECONDS);
        assertTrue(written.await(10, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (store.syncCount() == syncsBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(store.syncCount() > syncsBefore, "async syncs within its interval");
    }

    @Test
    void aThreadThatRunsNoTasksAfterItsPassesHandsEachWriteOverAtOnce() throws Exception {
        rocks = RocksStore.open(dir.resolve("store"), DurableSessionStore.TABLES);
        store = new DurableSessionStore(rocks, Durability.SYNC, Duration.ofMillis(100), 10_000, 1L << 30, 1L << 30);
        DefaultEventLoop plain = new DefaultEventLoop(); // an executor, not an I/O loop: no end-of-pass hook
        try {
            CountDownLatch written = new CountDownLatch(1);
            plain.submit(() -> {
                SessionData session = store.create("dev", true);
                session.offer(new Delivery(new PublishMessage("t", 1, new byte[] {1}, "pub"), 1));
                store.whenWritten(written::countDown);
            }).get(10, TimeUnit.SECONDS);
            assertTrue(written.await(10, TimeUnit.SECONDS), "a write from a plain thread was never written");
        } finally {
            plain.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until the writer has nothing left from the set-up. */
    private void awaitQuiet() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        loop.submit(() -> store.whenWritten(done::countDown)).get(10, TimeUnit.SECONDS);
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }
}

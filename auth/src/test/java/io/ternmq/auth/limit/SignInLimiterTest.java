package io.ternmq.auth.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Failed sign-ins per address in a sliding minute, blocks, the bound on tracked addresses. */
class SignInLimiterTest {

    private static final long T0 = 1_700_000_000_000L;

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private final InetAddress a = address("192.0.2.1");
    private final InetAddress b = address("2001:db8::1");

    @Test
    void theFailureThatReachesTheLimitStartsOneBlock() {
        SignInLimiter limiter = new SignInLimiter(3, 60_000);
        assertFalse(limiter.failed(a, T0));
        assertFalse(limiter.failed(a, T0 + 1_000));
        assertFalse(limiter.blocked(a, T0 + 1_000));
        assertTrue(limiter.failed(a, T0 + 2_000), "the third failure starts the block");
        assertTrue(limiter.blocked(a, T0 + 2_000));
        assertFalse(limiter.failed(a, T0 + 3_000), "a failure during the block starts nothing");
        assertTrue(limiter.blocked(a, T0 + 61_999));
        assertFalse(limiter.blocked(a, T0 + 62_000), "the block lapses");
        assertFalse(limiter.blocked(b, T0 + 2_000), "another address is not blocked");
    }

    @Test
    void afterABlockTheCountStartsAgain() {
        SignInLimiter limiter = new SignInLimiter(2, 10_000);
        limiter.failed(a, T0);
        assertTrue(limiter.failed(a, T0 + 1));
        long after = T0 + 10_001;
        assertFalse(limiter.failed(a, after), "one failure after the block is one, not three");
        assertTrue(limiter.failed(a, after + 1));
    }

    @Test
    void failuresMoreThanAMinuteApartDoNotAddUp() {
        SignInLimiter limiter = new SignInLimiter(3, 60_000);
        for (int i = 0; i < 20; i++) {
            assertFalse(limiter.failed(a, T0 + i * 30_000L), "failure " + i);
        }
        assertFalse(limiter.blocked(a, T0 + 20 * 30_000L));
    }

    @Test
    void failuresWithinFiftySecondsAddUp() {
        SignInLimiter limiter = new SignInLimiter(3, 60_000);
        assertFalse(limiter.failed(a, T0));
        assertFalse(limiter.failed(a, T0 + 25_000));
        assertTrue(limiter.failed(a, T0 + 49_999));
    }

    @Test
    void theWindowSlides() {
        SignInLimiter limiter = new SignInLimiter(3, 60_000);
        long start = T0 - Math.floorMod(T0, 10_000);
        limiter.failed(a, start);
        limiter.failed(a, start + 30_000);
        // The first failure has left the window 60 s on, the second has not: two, not three.
        assertFalse(limiter.failed(a, start + 60_000));
        assertTrue(limiter.failed(a, start + 60_001));
    }

    @Test
    void zeroTurnsItOff() {
        SignInLimiter limiter = new SignInLimiter(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertFalse(limiter.failed(a, T0));
        }
        assertFalse(limiter.blocked(a, T0));
        assertFalse(limiter.enabled());
        assertEquals(0, limiter.tracked());
    }

    @Test
    void oneFailureBlocksWhenTheLimitIsOne() {
        SignInLimiter limiter = new SignInLimiter(1, 1_000);
        assertTrue(limiter.failed(a, T0));
        assertTrue(limiter.blocked(a, T0 + 999));
    }

    @Test
    void theLeastRecentlySeenAddressIsEvictedAtTheBound() {
        SignInLimiter limiter = new SignInLimiter(2, 60_000, 3);
        InetAddress c = address("192.0.2.3");
        InetAddress d = address("192.0.2.4");
        assertTrue(limiter.failed(a, T0) | limiter.failed(a, T0));
        limiter.failed(b, T0);
        limiter.failed(c, T0);
        assertTrue(limiter.blocked(a, T0 + 1), "asking refreshes a: b is now the oldest");
        limiter.failed(d, T0 + 2);
        assertEquals(3, limiter.tracked());
        assertEquals(1, limiter.evictions());
        assertTrue(limiter.blocked(a, T0 + 3), "a blocked address that keeps trying stays");
        assertFalse(limiter.failed(b, T0 + 3), "b starts from nothing again");
        assertEquals(2, limiter.evictions(), "and pushed out c");
    }

    @Test
    void idleAddressesAreForgottenWithoutCountingAsEvictions() {
        SignInLimiter limiter = new SignInLimiter(5, 60_000, 1000);
        for (int i = 0; i < 100; i++) {
            limiter.failed(address("198.51.100." + i), T0);
        }
        assertEquals(100, limiter.tracked());
        for (int i = 0; i < 60; i++) {
            limiter.failed(b, T0 + 120_000 + i);
        }
        assertEquals(1, limiter.tracked(), "each call swept some of the idle ones");
        assertEquals(0, limiter.evictions());
    }

    @Test
    void aBlockedAddressIsNotSweptBeforeItsBlockEnds() {
        SignInLimiter limiter = new SignInLimiter(1, 600_000, 1000);
        limiter.failed(a, T0);
        for (int i = 0; i < 10; i++) {
            limiter.failed(address("198.51.100." + i), T0 + 120_000);
        }
        assertTrue(limiter.blocked(a, T0 + 120_000));
    }

    @Test
    void aClockSteppingBackDoesNoHarm() {
        SignInLimiter limiter = new SignInLimiter(3, 60_000);
        limiter.failed(a, T0);
        limiter.failed(a, T0 - 3_600_000);
        assertTrue(limiter.failed(a, T0 - 3_600_000), "counted into the newest bucket");
    }

    @Test
    void concurrentFailuresStartExactlyOneBlock() throws Exception {
        SignInLimiter limiter = new SignInLimiter(50, 600_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> starts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                starts.add(pool.submit(() -> {
                    start.await();
                    int started = 0;
                    for (int i = 0; i < 1000; i++) {
                        started += limiter.failed(a, T0) ? 1 : 0;
                        limiter.blocked(b, T0);
                    }
                    return started;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : starts) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(1, total);
            assertTrue(limiter.blocked(a, T0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SignInLimiter(-1, 1000));
        assertThrows(IllegalArgumentException.class, () -> new SignInLimiter(5, 0));
        assertThrows(IllegalArgumentException.class, () -> new SignInLimiter(5, 1000, 0));
    }
}

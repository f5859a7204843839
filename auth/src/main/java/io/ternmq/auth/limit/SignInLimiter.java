package io.ternmq.auth.limit;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses, for a while, the addresses that keep failing to sign in, so a password or a device secret cannot be
 * guessed at the broker's speed. An address reaching {@code maxFailures} failures within a minute is blocked for
 * {@code blockMillis}; the block then lapses and the count starts again.
 *
 * <p>The minute is six buckets of ten seconds, so a failure counts for between 50 and 60 seconds: exact enough
 * for a guess limit, and a tracked address costs a few dozen bytes. At most {@code maxAddresses} addresses are
 * tracked; beyond that the least recently seen is forgotten and {@link #evictions()} counts it, since an attacker
 * with many addresses can push a blocked one out (an operator seeing evictions knows the limit is being
 * swamped). A success does not clear the count: one valid credential (or a device behind the same NAT) would
 * otherwise let an attacker go on guessing others.
 *
 * <p>Thread-safe; the sign-in threads share it. The time is passed in, so tests need no clock.
 */
public final class SignInLimiter {

    /** How many addresses are tracked by default. */
    public static final int MAX_ADDRESSES = 100_000;

    private static final int BUCKETS = 6;
    private static final long BUCKET_MILLIS = 10_000;
    /** How many forgotten addresses one call may sweep from the old end, so the map shrinks without a timer. */
    private static final int SWEEP = 2;

    private final int maxFailures;
    private final long blockMillis;
    private final int maxAddresses;
    private final LinkedHashMap<InetAddress, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long evictions;

    /** One address: its failures by ten-second bucket, and when its block ends. */
    private static final class Entry {
        final int[] counts = new int[BUCKETS];
        /** The bucket number (time / 10 s) of the newest bucket written. */
        long newest = Long.MIN_VALUE;
        long blockedUntil;

        /** The failures in the minute up to {@code bucket}, dropping the buckets that fell out of it. */
        int advance(long bucket) {
            if (bucket > newest) {
                long stale = newest == Long.MIN_VALUE ? BUCKETS : Math.min(BUCKETS, bucket - newest);
                for (long b = bucket - stale + 1; b <= bucket; b++) {
                    counts[(int) Math.floorMod(b, (long) BUCKETS)] = 0;
                }
                newest = bucket;
            }
            int sum = 0;
            for (int count : counts) {
                sum += count;
            }
            return sum;
        }

        boolean idle(long now) {
            return now >= blockedUntil && Math.floorDiv(now, BUCKET_MILLIS) - newest >= BUCKETS;
        }
    }

    /** With the default bound of {@value #MAX_ADDRESSES} addresses. */
    public SignInLimiter(int maxFailures, long blockMillis) {
        this(maxFailures, blockMillis, MAX_ADDRESSES);
    }

    /**
     * @param maxFailures  failures within a minute that block an address; 0 turns the limit off
     * @param blockMillis  how long a block lasts
     * @param maxAddresses how many addresses are tracked at most
     */
    public SignInLimiter(int maxFailures, long blockMillis, int maxAddresses) {
        if (maxFailures < 0) {
            throw new IllegalArgumentException("maxFailures must be 0 (off) or more, got " + maxFailures);
        }
        if (maxFailures > 0 && blockMillis <= 0) {
            throw new IllegalArgumentException("blockMillis must be positive, got " + blockMillis);
        }
        if (maxAddresses < 1) {
            throw new IllegalArgumentException("maxAddresses must be 1 or more, got " + maxAddresses);
        }
        this.maxFailures = maxFailures;
        this.blockMillis = blockMillis;
        this.maxAddresses = maxAddresses;
    }

    /** Whether a sign-in from this address is to be refused now, without looking at its credentials. */
    public boolean blocked(InetAddress address, long nowMillis) {
        if (maxFailures == 0) {
            return false;
        }
        synchronized (entries) {
            Entry entry = entries.get(address);
            return entry != null && nowMillis < entry.blockedUntil;
        }
    }

    /**
     * Counts a failed sign-in.
     *
     * @return true exactly when this failure starts a block, so the caller logs the block once
     */
    public boolean failed(InetAddress address, long nowMillis) {
        if (maxFailures == 0) {
            return false;
        }
        synchronized (entries) {
            sweep(nowMillis);
            Entry entry = entries.get(address);
            if (entry == null) {
                if (entries.size() >= maxAddresses) {
                    Iterator<Map.Entry<InetAddress, Entry>> eldest = entries.entrySet().iterator();
                    eldest.next();
                    eldest.remove();
                    evictions++;
                }
                entry = new Entry();
                entries.put(address, entry);
            }
            if (nowMillis < entry.blockedUntil) {
                // Already blocked (a sign-in that was under way when the block began): no second start.
                return false;
            }
            long bucket = Math.floorDiv(nowMillis, BUCKET_MILLIS);
            // A clock stepping back counts into the newest bucket rather than into one already dropped.
            long into = Math.max(bucket, entry.newest);
            int failures = entry.advance(into) + 1;
            entry.counts[(int) Math.floorMod(into, (long) BUCKETS)]++;
            if (failures < maxFailures) {
                return false;
            }
            entry.blockedUntil = nowMillis + blockMillis;
            Arrays.fill(entry.counts, 0);
            return true;
        }
    }

    /** Forgets a few addresses at the old end that have nothing left to count. */
    private void sweep(long nowMillis) {
        Iterator<Entry> oldest = entries.values().iterator();
        for (int i = 0; i < SWEEP && oldest.hasNext(); i++) {
            if (!oldest.next().idle(nowMillis)) {
                return;
            }
            oldest.remove();
        }
    }

    /** How many tracked addresses were forgotten to stay within the bound. */
    public long evictions() {
        synchronized (entries) {
            return evictions;
        }
    }

    /** How many addresses are tracked now. */
    public int tracked() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public boolean enabled() {
        return maxFailures > 0;
    }
}

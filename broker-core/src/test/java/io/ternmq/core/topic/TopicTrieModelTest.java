package io.ternmq.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Checks TopicTrie against {@link ReferenceMatcher} on many random filters and topics, alone and under concurrency. */
class TopicTrieModelTest {

    private static final String[] WORDS = {"a", "b", "c", ""};

    record Sub(String filter, String key, int version) {
        String id() {
            return filter + "|" + key;
        }
    }

    @Test
    void tenThousandRandomFiltersMatchLikeTheReference() {
        Random random = new Random(20240611L);
        TopicTrie<Sub> trie = new TopicTrie<>();
        ConcurrentHashMap<String, Sub> expected = new ConcurrentHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Sub sub = new Sub(randomFilter(random), "client-" + random.nextInt(1_000), i);
            trie.subscribe(sub.filter(), sub.key(), sub);
            expected.put(sub.id(), sub);
        }
        List<String> topics = randomTopics(random, 2_000);
        assertEquals(expected.size(), trie.size());
        assertEquals(prefixCount(expected.values()), trie.nodeCount());
        long matched = assertMatchesReference(trie, expected.values(), topics);
        assertTrue(matched > 10_000, "the random data should exercise matching, matched " + matched);

        // Remove about half, including whole subscribers, and check again: results and pruning.
        List<Sub> all = new ArrayList<>(expected.values());
        Collections.shuffle(all, random);
        for (Sub sub : all.subList(0, all.size() / 2)) {
            assertTrue(trie.unsubscribe(sub.filter(), sub.key()));
            expected.remove(sub.id());
        }
        for (int i = 0; i < 100; i++) {
            String key = "client-" + i;
            int owned = (int) expected.values().stream().filter(s -> s.key().equals(key)).count();
            assertEquals(owned, trie.unsubscribeAll(key));
            expected.values().removeIf(s -> s.key().equals(key));
        }
        assertEquals(expected.size(), trie.size());
        assertEquals(prefixCount(expected.values()), trie.nodeCount());
        assertMatchesReference(trie, expected.values(), topics);

        for (Sub sub : List.copyOf(expected.values())) {
            assertTrue(trie.unsubscribe(sub.filter(), sub.key()));
        }
        assertEquals(0, trie.size());
        assertEquals(0, trie.nodeCount());
    }

    /** Topics.matches, the one-filter matcher the trace uses, follows the same rules as the reference. */
    @Test
    void oneFilterMatchingAgreesWithTheReference() {
        Random random = new Random(99L);
        List<String> topics = randomTopics(random, 500);
        topics.add("$SYS/x");
        topics.add("$SYS");
        long matched = 0;
        for (int i = 0; i < 2_000; i++) {
            String filter = i % 10 == 0 ? "$SYS/#" : randomFilter(random);
            for (String topic : topics) {
                boolean expected = ReferenceMatcher.matches(filter, topic);
                assertEquals(expected, Topics.matches(filter, topic), filter + " ~ " + topic);
                matched += expected ? 1 : 0;
            }
        }
        assertTrue(matched > 10_000, "the random data should exercise matching, matched " + matched);
    }

    @Test
    void concurrentWritersAndReadersEndInTheExpectedState() throws Exception {
        TopicTrie<Sub> trie = new TopicTrie<>();
        List<String> filterPool = new ArrayList<>();
        Random setup = new Random(7L);
        for (int i = 0; i < 300; i++) {
            filterPool.add(randomFilter(setup));
        }
        List<String> topics = randomTopics(setup, 500);

        int writers = 4;
        int readers = 2;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<ConcurrentHashMap<String, Sub>>> writerResults = new ArrayList<>();
        List<Future<Long>> readerResults = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writerResults.add(pool.submit(() -> write(trie, filterPool, writer, start)));
            }
            for (int r = 0; r < readers; r++) {
                long seed = 100 + r;
                readerResults.add(pool.submit(readLoop(trie, topics, seed, writing, start)));
            }
            start.countDown();

            ConcurrentHashMap<String, Sub> expected = new ConcurrentHashMap<>();
            for (Future<ConcurrentHashMap<String, Sub>> result : writerResults) {
                expected.putAll(result.get(2, TimeUnit.MINUTES)); // a guard against a hang, not a timing check
            }
            writing.set(false);
            for (Future<Long> result : readerResults) {
                assertTrue(result.get(2, TimeUnit.MINUTES) > 0, "a reader should have run at least one match");
            }

            assertTrue(expected.size() > 100, "writers should leave subscriptions behind, left " + expected.size());
            assertEquals(expected.size(), trie.size());
            assertEquals(prefixCount(expected.values()), trie.nodeCount());
            assertMatchesReference(trie, expected.values(), topics);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One writer: its own subscriber keys, a deterministic mix of subscribe, unsubscribe and unsubscribeAll. */
    private static ConcurrentHashMap<String, Sub> write(TopicTrie<Sub> trie, List<String> filters, int writer,
                                                        CountDownLatch start) throws InterruptedException {
        Random random = new Random(1_000 + writer);
        ConcurrentHashMap<String, Sub> mine = new ConcurrentHashMap<>();
        start.await();
        for (int op = 0; op < 20_000; op++) {
            String key = "w" + writer + "-" + random.nextInt(40);
            String filter = filters.get(random.nextInt(filters.size()));
            int kind = random.nextInt(100);
            if (kind < 60) {
                Sub sub = new Sub(filter, key, op);
                boolean isNew = mine.put(sub.id(), sub) == null;
                assertEquals(isNew, trie.subscribe(filter, key, sub));
            } else if (kind < 99) {
                boolean existed = mine.remove(filter + "|" + key) != null;
                assertEquals(existed, trie.unsubscribe(filter, key));
            } else {
                int owned = (int) mine.values().stream().filter(s -> s.key().equals(key)).count();
                mine.values().removeIf(s -> s.key().equals(key));
                assertEquals(owned, trie.unsubscribeAll(key));
            }
        }
        return mine;
    }

    /** A reader: whatever it sees mid-flight, every reported subscription must have a filter matching the topic. */
    private static Callable<Long> readLoop(TopicTrie<Sub> trie, List<String> topics, long seed, AtomicBoolean writing,
                                           CountDownLatch start) {
        return () -> {
            Random random = new Random(seed);
            start.await();
            long matches = 0;
            do {
                String topic = topics.get(random.nextInt(topics.size()));
                List<Sub> seen = new ArrayList<>();
                trie.match(topic, seen::add);
                for (Sub sub : seen) {
                    assertTrue(ReferenceMatcher.matches(sub.filter(), topic), sub.filter() + " reported for " + topic);
                }
                matches++;
            } while (writing.get());
            return matches;
        };
    }

    private static long assertMatchesReference(TopicTrie<Sub> trie, Iterable<Sub> subs, List<String> topics) {
        long total = 0;
        for (String topic : topics) {
            List<String> want = new ArrayList<>();
            for (Sub sub : subs) {
                if (ReferenceMatcher.matches(sub.filter(), topic)) {
                    want.add(sub.id() + "#" + sub.version());
                }
            }
            List<String> got = new ArrayList<>();
            trie.match(topic, sub -> got.add(sub.id() + "#" + sub.version()));
            Collections.sort(want);
            Collections.sort(got);
            assertEquals(want, got, "matches for " + topic);
            total += got.size();
        }
        return total;
    }

    /** Nodes a trie without empty nodes must have: one per distinct level prefix of the filters. */
    private static int prefixCount(Iterable<Sub> subs) {
        Set<String> prefixes = new HashSet<>();
        for (Sub sub : subs) {
            String filter = sub.filter();
            for (int i = filter.indexOf('/'); i >= 0; i = filter.indexOf('/', i + 1)) {
                prefixes.add(filter.substring(0, i));
            }
            prefixes.add(filter);
        }
        return prefixes.size();
    }

    private static String randomFilter(Random random) {
        int levels = 1 + random.nextInt(5);
        StringBuilder filter = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            if (i > 0) {
                filter.append('/');
            }
            int pick = random.nextInt(10);
            if (i == 0 && pick == 0) {
                filter.append("$SYS");
            } else if (i == levels - 1 && pick == 1) {
                filter.append('#');
            } else if (pick < 4) {
                filter.append('+');
            } else {
                filter.append(WORDS[random.nextInt(WORDS.length)]);
            }
        }
        String result = filter.toString();
        // Only the empty filter is invalid here; draw again rather than feed the trie what it must never see.
        return Topics.checkFilter(result, 128).ok() ? result : randomFilter(random);
    }

    private static List<String> randomTopics(Random random, int count) {
        List<String> topics = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            int levels = 1 + random.nextInt(6);
            StringBuilder topic = new StringBuilder();
            for (int i = 0; i < levels; i++) {
                if (i > 0) {
                    topic.append('/');
                }
                topic.append(i == 0 && random.nextInt(8) == 0 ? "$SYS" : WORDS[random.nextInt(WORDS.length)]);
            }
            if (Topics.checkName(topic.toString(), 128).ok()) { // drops the empty topic
                topics.add(topic.toString());
            } else {
                t--;
            }
        }
        return topics;
    }
}

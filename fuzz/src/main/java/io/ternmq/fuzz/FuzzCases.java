package io.ternmq.fuzz;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The cases of one seed: case {@code i} mutates corpus packet {@code i mod corpus size} (so the corpus is cycled
 * and the levels 3, 4 and 5 come in turn with it), is sent as the first packet about one time in four and after a
 * valid CONNECT otherwise. Each case draws from a random generator seeded by (seed, index) alone, so any case can
 * be rebuilt without the ones before it ({@code --only-case}) and the same seed gives the same cases, byte for
 * byte.
 */
public final class FuzzCases {

    private final long seed;
    private final List<Seed> corpus;

    /** The cases of {@code seed} over the whole {@link SeedCorpus}. */
    public FuzzCases(long seed) {
        this(seed, SeedCorpus.all());
    }

    /** The cases of {@code seed} over another corpus, e.g. the seeds of one level. */
    public FuzzCases(long seed, List<Seed> corpus) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("an empty corpus has no cases");
        }
        this.seed = seed;
        this.corpus = List.copyOf(corpus);
    }

    public long seed() {
        return seed;
    }

    /** Case {@code index} (0 or more). */
    public FuzzCase caseAt(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("case index " + index + " is negative");
        }
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        Seed s = corpus.get((int) (index % corpus.size()));
        boolean afterConnect = random.nextInt(4) != 0;
        // Its own client ids: concurrent cases must not take each other's sessions over (MQTT-3.1.4-3).
        byte[] connect = SeedCorpus.connect(s.level(), clientId(index));
        MutatedPacket mutated = new Mutator(random.nextLong()).mutate(s.withClientId("fuzzm-" + index));
        return new FuzzCase(index, s.label(), s.level(), afterConnect, connect, mutated.bytes(), mutated.labels());
    }

    /** Cases 0 to count - 1, in order. */
    public Iterator<FuzzCase> iterator(long count) {
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public FuzzCase next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return caseAt(next++);
            }
        };
    }

    /** Cases 0 to count - 1, in order. */
    public Stream<FuzzCase> stream(long count) {
        return LongStream.range(0, count).mapToObj(this::caseAt);
    }

    /** The client id of the valid CONNECT of case {@code index}: "fuzz-" and the index (at most 23 characters). */
    public static String clientId(long index) {
        return "fuzz-" + index;
    }

    /**
     * A well-spread 64-bit seed for one case: SplitMix64's finalizer over the run's seed and the index, so
     * neighbouring indexes (and neighbouring seeds) give unrelated generators.
     */
    static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

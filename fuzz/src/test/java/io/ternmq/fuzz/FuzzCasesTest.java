package io.ternmq.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FuzzCasesTest {

    private static final int CASES = 10_000;

    @Test
    void theSameSeedGivesTheSameCasesByteForByte() {
        Iterator<FuzzCase> a = new FuzzCases(42).iterator(CASES);
        Iterator<FuzzCase> b = new FuzzCases(42).iterator(CASES);
        int n = 0;
        while (a.hasNext()) {
            FuzzCase x = a.next();
            FuzzCase y = b.next();
            assertArrayEquals(x.wire(), y.wire(), "case " + x.index());
            assertEquals(x, y);
            n++;
        }
        assertEquals(CASES, n);
        assertTrue(!b.hasNext());
    }

    @Test
    void anotherSeedGivesOtherCases() {
        FuzzCases a = new FuzzCases(1);
        FuzzCases b = new FuzzCases(2);
        long different = java.util.stream.LongStream.range(0, 1000)
                .filter(i -> !java.util.Arrays.equals(a.caseAt(i).packet(), b.caseAt(i).packet())).count();
        assertTrue(different > 900, different + " of 1000 differ");
    }

    @Test
    void anyCaseIsRebuiltAloneAsTheSequenceHasIt() {
        FuzzCases cases = new FuzzCases(7);
        FuzzCase fromStream = cases.stream(5000).skip(4321).findFirst().orElseThrow();
        assertEquals(fromStream, new FuzzCases(7).caseAt(4321));
    }

    @Test
    void everyMutationKindOccursInTenThousandCases() {
        Map<MutationKind, Integer> seen = new EnumMap<>(MutationKind.class);
        new FuzzCases(1).stream(CASES).forEach(c -> {
            assertTrue(!c.mutations().isEmpty() && c.mutations().size() <= 3, c.toString());
            c.mutations().forEach(label -> seen.merge(MutationKind.ofLabel(label), 1, Integer::sum));
        });
        for (MutationKind kind : MutationKind.values()) {
            assertTrue(seen.getOrDefault(kind, 0) >= 50, kind + " occurs: " + seen);
        }
    }

    @Test
    void aboutOneInFourIsTheFirstPacketAndTheLevelsAreSpread() {
        int first = 0;
        Map<Integer, Integer> levels = new java.util.TreeMap<>();
        for (Iterator<FuzzCase> it = new FuzzCases(3).iterator(CASES); it.hasNext(); ) {
            FuzzCase c = it.next();
            first += c.afterConnect() ? 0 : 1;
            levels.merge(c.level(), 1, Integer::sum);
        }
        assertTrue(first > CASES * 0.22 && first < CASES * 0.28, first + " first packets");
        assertEquals(java.util.Set.of(3, 4, 5), levels.keySet());
        levels.values().forEach(n -> assertTrue(n > CASES / 5, "levels " + levels));
    }

    @Test
    void theConnectIsTheValidOneOfTheCaseLevelWithItsOwnClientId() {
        FuzzCases cases = new FuzzCases(5);
        for (long i = 0; i < 200; i++) {
            FuzzCase c = cases.caseAt(i);
            assertArrayEquals(SeedCorpus.connect(c.level(), "fuzz-" + i), c.connect());
            byte[] wire = c.wire();
            int prefix = c.afterConnect() ? c.connect().length : 0;
            assertEquals(prefix + c.packet().length, wire.length);
            assertArrayEquals(c.packet(), java.util.Arrays.copyOfRange(wire, prefix, wire.length));
        }
    }

    @Test
    void casesCycleThroughTheCorpus() {
        FuzzCases cases = new FuzzCases(9);
        int size = SeedCorpus.all().size();
        for (int i = 0; i < 3 * size; i++) {
            assertEquals(SeedCorpus.all().get(i % size).label(), cases.caseAt(i).seed());
        }
        java.util.Set<String> mutatedFirstSeed = new java.util.HashSet<>();
        for (int cycle = 0; cycle < 10; cycle++) {
            mutatedFirstSeed.add(java.util.HexFormat.of().formatHex(cases.caseAt((long) cycle * size).packet()));
        }
        assertTrue(mutatedFirstSeed.size() >= 5, "the same seed packet, mutated differently: " + mutatedFirstSeed);
    }
}

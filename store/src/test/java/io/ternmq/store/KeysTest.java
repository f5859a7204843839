package io.ternmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key encoding: round trips, a schema-version byte first, and key order that is number and owner order. */
class KeysTest {

    private static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Test
    void anOwnersIdRoundTripsAndTheVersionLeads() {
        byte[] owner = Keys.owner("dévice/1");

        assertEquals(RocksStore.SCHEMA_VERSION, owner[0]);
        assertEquals("dévice/1", Keys.ownerOf(owner));
        assertEquals("dévice/1", Keys.ownerOf(Keys.withNumber(owner, 42)));
    }

    @Test
    void numbersRoundTripAndSortAsNumbers() {
        byte[] owner = Keys.owner("a");
        long[] numbers = {0, 1, 255, 256, 65_535, 1L << 40, Long.MAX_VALUE};
        List<byte[]> keys = new ArrayList<>();
        for (long n : numbers) {
            byte[] key = Keys.withNumber(owner, n);
            assertEquals(n, Keys.numberAtEnd(key));
            keys.add(key);
        }
        for (int i = 1; i < keys.size(); i++) {
            assertTrue(compare(keys.get(i - 1), keys.get(i)) < 0, "key order is number order at " + numbers[i]);
        }
    }

    @Test
    void stringsRoundTripAndNoneIsAPrefixOfAnother() {
        byte[] owner = Keys.owner("dev");
        byte[] ab = Keys.withString(owner, "a/b");
        byte[] abc = Keys.withString(owner, "a/b/c");

        assertEquals("a/b", Keys.stringAtEnd(ab));
        assertEquals("a/b/c", Keys.stringAtEnd(abc));
        assertTrue(!Keys.startsWith(abc, ab), "the length prefix keeps one filter from being a prefix of another");
    }

    @Test
    void oneOwnersKeysShareItsPrefixAndNoOtherOwnersDo() {
        byte[] dev = Keys.owner("dev");
        byte[] dev2 = Keys.owner("dev2");

        assertTrue(Keys.startsWith(Keys.withNumber(dev, 7), dev));
        assertTrue(Keys.startsWith(Keys.withString(dev, "x"), dev));
        assertTrue(!Keys.startsWith(Keys.withNumber(dev2, 7), dev), "dev2's keys are not dev's: the length differs");
    }

    @Test
    void thePrefixEndFollowsEveryKeyOfThePrefixAndNothingElse() {
        byte[] dev = Keys.owner("dev");
        byte[] end = Keys.prefixEnd(dev);

        assertTrue(compare(Keys.withNumber(dev, Long.MAX_VALUE), end) < 0);
        assertTrue(compare(Keys.withString(dev, "\uFFFF".repeat(10)), end) < 0);
        assertTrue(compare(end, Keys.owner("dew")) <= 0);
    }
}

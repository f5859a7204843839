package io.ternmq.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicTrieTest {

    private final TopicTrie<String> trie = new TopicTrie<>();

    /** Subscribes with the value "key@filter" so a match shows which subscription fired. */
    private void sub(String filter, String key) {
        trie.subscribe(filter, key, key + "@" + filter);
    }

    private List<String> match(String topic) {
        List<String> out = new ArrayList<>();
        trie.match(topic, out::add);
        Collections.sort(out);
        return out;
    }

    @Test
    void exactFilterMatchesOnlyItsTopic() {
        sub("sport/tennis/player1", "c1");
        assertEquals(List.of("c1@sport/tennis/player1"), match("sport/tennis/player1"));
        assertEquals(List.of(), match("sport/tennis"));
        assertEquals(List.of(), match("sport/tennis/player1/ranking"));
        assertEquals(List.of(), match("sport/tennis/player2"));
        assertEquals(List.of(), match("Sport/tennis/player1"));
    }

    @Test
    void plusMatchesExactlyOneLevel() {
        sub("sport/+/player1", "c1");
        sub("+", "c2");
        assertEquals(List.of("c1@sport/+/player1"), match("sport/tennis/player1"));
        assertEquals(List.of(), match("sport/player1"));
        assertEquals(List.of(), match("sport/tennis/x/player1"));
        assertEquals(List.of("c2@+"), match("sport"));
        assertEquals(List.of(), match("sport/tennis"));
        assertEquals(List.of(), match("/sport"));
    }

    @Test
    void hashMatchesParentAndAllDescendants() {
        sub("sport/#", "c1");
        assertEquals(List.of("c1@sport/#"), match("sport"));
        assertEquals(List.of("c1@sport/#"), match("sport/"));
        assertEquals(List.of("c1@sport/#"), match("sport/tennis"));
        assertEquals(List.of("c1@sport/#"), match("sport/tennis/player1/ranking"));
        assertEquals(List.of(), match("sports"));
        assertEquals(List.of(), match("other/sport"));
    }

    @Test
    void plusThenHashMatchesTheParentLevelToo() {
        sub("+/#", "c1");
        sub("a/+/#", "c2");
        assertEquals(List.of("c1@+/#"), match("x"));
        assertEquals(List.of("c1@+/#", "c2@a/+/#"), match("a/b"));
        assertEquals(List.of("c1@+/#", "c2@a/+/#"), match("a/b/c/d"));
    }

    @Test
    void lonelyHashMatchesEverythingExceptDollarTopics() {
        sub("#", "c1");
        assertEquals(List.of("c1@#"), match("a"));
        assertEquals(List.of("c1@#"), match("/"));
        assertEquals(List.of("c1@#"), match("a/b/c"));
        assertEquals(List.of("c1@#"), match("x$/y"));
        assertEquals(List.of(), match("$SYS/x"));
        assertEquals(List.of(), match("$SYS"));
    }

    @Test
    void dollarTopicsNeedAnExplicitFirstLevel() {
        sub("+/x", "c1");
        sub("+/#", "c2");
        sub("$SYS/+", "c3");
        sub("$SYS/#", "c4");
        sub("$SYS/x", "c5");
        assertEquals(List.of("c3@$SYS/+", "c4@$SYS/#", "c5@$SYS/x"), match("$SYS/x"));
        assertEquals(List.of("c1@+/x", "c2@+/#"), match("SYS/x"));
        assertEquals(List.of("c4@$SYS/#"), match("$SYS"));
    }

    @Test
    void emptyLevelsAreRealLevels() {
        sub("/a", "lead");
        sub("a//b", "middle");
        sub("a/", "trail");
        sub("+/+", "twoPlus");
        sub("a/+/b", "plusMiddle");
        assertEquals(List.of("lead@/a", "twoPlus@+/+"), match("/a"));
        assertEquals(List.of(), match("a"));
        assertEquals(List.of("middle@a//b", "plusMiddle@a/+/b"), match("a//b"));
        assertEquals(List.of("trail@a/", "twoPlus@+/+"), match("a/"));
        assertEquals(List.of("twoPlus@+/+"), match("/"));
        assertEquals(List.of("twoPlus@+/+"), match("a/b"));
        assertEquals(List.of(), match("a/b/"));
    }

    @Test
    void resubscribingReplacesTheValueAndKeepsTheSize() {
        assertTrue(trie.subscribe("a/b", "c1", "qos0"));
        assertFalse(trie.subscribe("a/b", "c1", "qos1"));
        assertEquals(1, trie.size());
        List<String> out = new ArrayList<>();
        trie.match("a/b", out::add);
        assertEquals(List.of("qos1"), out);
    }

    @Test
    void twoSubscribersOnOneFilterAreBothReported() {
        sub("a/b", "c1");
        sub("a/b", "c2");
        assertEquals(2, trie.size());
        assertEquals(List.of("c1@a/b", "c2@a/b"), match("a/b"));
    }

    @Test
    void overlappingFiltersOfOneSubscriberAreReportedEachTime() {
        sub("a/b", "c1");
        sub("a/+", "c1");
        sub("a/#", "c1");
        sub("#", "c1");
        assertEquals(4, trie.size());
        assertEquals(List.of("c1@#", "c1@a/#", "c1@a/+", "c1@a/b"), match("a/b"));
    }

    @Test
    void unsubscribeRemovesAndPrunesEmptyNodes() {
        assertEquals(0, trie.nodeCount());
        sub("a/b/c", "c1");
        sub("a/+/#", "c2");
        sub("a", "c3");
        assertEquals(5, trie.nodeCount()); // a, a/b, a/b/c, a/+, a/+/#
        assertTrue(trie.unsubscribe("a/b/c", "c1"));
        assertEquals(List.of("c2@a/+/#"), match("a/b/c"));
        assertEquals(3, trie.nodeCount());
        assertTrue(trie.unsubscribe("a/+/#", "c2"));
        assertEquals(List.of(), match("a/b/c"));
        assertEquals(1, trie.nodeCount());
        assertTrue(trie.unsubscribe("a", "c3"));
        assertEquals(List.of(), match("a"));
        assertEquals(0, trie.nodeCount());
        assertEquals(0, trie.size());
    }

    @Test
    void unsubscribeKeepsNodesOthersStillUse() {
        sub("a/b", "c1");
        sub("a/b", "c2");
        assertTrue(trie.unsubscribe("a/b", "c1"));
        assertEquals(2, trie.nodeCount());
        assertEquals(List.of("c2@a/b"), match("a/b"));
        assertEquals(1, trie.size());
    }

    @Test
    void unsubscribingSomethingUnknownReturnsFalseAndChangesNothing() {
        sub("a/b", "c1");
        assertFalse(trie.unsubscribe("a/b", "c2"));
        assertFalse(trie.unsubscribe("a/c", "c1"));
        assertFalse(trie.unsubscribe("a", "c1"));
        assertFalse(trie.unsubscribe("a/b/c", "c1"));
        assertFalse(trie.unsubscribe("a/+", "c1"));
        assertFalse(trie.unsubscribe("a/#", "c1"));
        assertEquals(1, trie.size());
        assertEquals(2, trie.nodeCount());
        assertEquals(List.of("c1@a/b"), match("a/b"));
    }

    @Test
    void unsubscribeAllRemovesEveryFilterOfOneKey() {
        sub("a/b", "c1");
        sub("a/#", "c1");
        sub("+/b", "c1");
        sub("a/b", "c2");
        assertEquals(3, trie.unsubscribeAll("c1"));
        assertEquals(0, trie.unsubscribeAll("c1"));
        assertEquals(1, trie.size());
        assertEquals(List.of("c2@a/b"), match("a/b"));
        assertEquals(2, trie.nodeCount());
        assertFalse(trie.unsubscribe("a/#", "c1"));
    }

    @Test
    void deepTopicsDoNotOverflowTheStack() {
        String deep = "a/".repeat(50_000) + "a";
        sub(deep, "c1");
        sub("+/".repeat(50_000) + "#", "c2");
        assertEquals(List.of("c1@" + deep, "c2@" + "+/".repeat(50_000) + "#"), match(deep));
        assertTrue(trie.unsubscribe(deep, "c1"));
        assertEquals(50_001, trie.nodeCount());
    }
}

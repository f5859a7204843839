package io.ternmq.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    private static final int MAX = 128;
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, two chars, one code point

    @ParameterizedTest
    @ValueSource(strings = {"a", "sport/tennis/player1", "/", "/a", "a/", "a//b", "$SYS/broker/load", " ", "ä/ö"})
    void validNames(String name) {
        assertEquals(TopicCheck.OK, Topics.checkName(name, MAX));
    }

    @Test
    void emptyOrNullNameAndFilterAreRejected() {
        assertEquals(TopicCheck.EMPTY, Topics.checkName("", MAX));
        assertEquals(TopicCheck.EMPTY, Topics.checkName(null, MAX));
        assertEquals(TopicCheck.EMPTY, Topics.checkFilter("", MAX));
        assertEquals(TopicCheck.EMPTY, Topics.checkFilter(null, MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+", "#", "a/+", "a/#", "a+", "a#b", "sport/+/player1", "+/a"})
    void wildcardsInNamesAreRejected(String name) {
        assertEquals(TopicCheck.WILDCARD_IN_NAME, Topics.checkName(name, MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "+", "#", "a/+", "a/#", "+/+", "+/#", "/#", "/+", "+/", "a//b", "/", "$SYS/#",
        "$SYS/+/load", "sport/+/player1", "sport/tennis/#", "a/+/#"})
    void validFilters(String filter) {
        assertEquals(TopicCheck.OK, Topics.checkFilter(filter, MAX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/#/b", "#/a", "##", "a/b#", "a#", "#a", "a/#b", "a/##", "a+", "+a", "a/+b", "a/b+/c",
        "++", "a/++/b", "+#", "#/"})
    void misplacedWildcardsInFiltersAreRejected(String filter) {
        assertEquals(TopicCheck.BAD_WILDCARD, Topics.checkFilter(filter, MAX));
    }

    @Test
    void nullCharacterIsRejected() {
        assertEquals(TopicCheck.NULL_CHARACTER, Topics.checkName("a\u0000b", MAX));
        assertEquals(TopicCheck.NULL_CHARACTER, Topics.checkName("\u0000", MAX));
        assertEquals(TopicCheck.NULL_CHARACTER, Topics.checkFilter("a/\u0000/#", MAX));
    }

    @Test
    void lengthIsCountedInCodePoints() {
        String emojis128 = EMOJI.repeat(128);
        assertEquals(256, emojis128.length());
        assertEquals(TopicCheck.OK, Topics.checkName(emojis128, 128));
        assertEquals(TopicCheck.OK, Topics.checkFilter(EMOJI.repeat(126) + "/#", 128));
        assertEquals(TopicCheck.TOO_LONG, Topics.checkName(emojis128 + EMOJI, 128));
        assertEquals(TopicCheck.TOO_LONG, Topics.checkFilter(EMOJI.repeat(127) + "/#", 128));

        assertEquals(TopicCheck.OK, Topics.checkName("a".repeat(128), 128));
        assertEquals(TopicCheck.TOO_LONG, Topics.checkName("a".repeat(129), 128));
        assertEquals(TopicCheck.OK, Topics.checkFilter("a".repeat(126) + "/#", 128));
        assertEquals(TopicCheck.TOO_LONG, Topics.checkFilter("a".repeat(127) + "/#", 128));
    }

    @Test
    void checkResultsDescribeThemselves() {
        assertTrue(TopicCheck.OK.ok());
        for (TopicCheck check : TopicCheck.values()) {
            assertFalse(check.describe().isBlank(), check.name());
            if (check != TopicCheck.OK) {
                assertFalse(check.ok(), check.name());
            }
        }
        assertEquals("topic name contains a wildcard", TopicCheck.WILDCARD_IN_NAME.describe());
    }
}

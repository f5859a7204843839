package io.ternmq.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A flood of one cause makes one line per interval, the next says how many were left out; all are counted. */
class RepeatLimitedLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("repeat-limited-log-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aFloodOfOneCauseLogsOnceAndCountsAll() {
        RepeatLimitedLog log = new RepeatLimitedLog(logger, Duration.ofHours(1));
        for (int i = 0; i < 10_000; i++) {
            log.info("PUBLISH 0x81", "closing connection {}", i);
        }

        assertEquals(List.of("closing connection 0"), messages());
        assertEquals(10_000, log.count("PUBLISH 0x81"));
    }

    @Test
    void eachCauseHasItsOwnLimit() {
        RepeatLimitedLog log = new RepeatLimitedLog(logger, Duration.ofHours(1));
        log.info("a", "first a");
        log.info("b", "first b");
        log.info("a", "second a");

        assertEquals(List.of("first a", "first b"), messages());
        assertEquals(java.util.Map.of("a", 2L, "b", 1L), log.counts());
    }

    @Test
    void theLineAfterAnIntervalSaysHowManyWereLeftOut() throws InterruptedException {
        RepeatLimitedLog log = new RepeatLimitedLog(logger, Duration.ofMillis(50));
        log.info("x", "line {}", 1);
        log.info("x", "line {}", 2);
        log.info("x", "line {}", 3);
        Thread.sleep(120);
        log.info("x", "line {}", 4);

        assertEquals(2, messages().size(), messages().toString());
        assertTrue(messages().get(1).startsWith("line 4 [and 2 more of 'x'"), messages().get(1));
    }

    @Test
    void causesBeyondTheBoundShareOneEntry() {
        RepeatLimitedLog log = new RepeatLimitedLog(logger, Duration.ofHours(1));
        for (int i = 0; i < RepeatLimitedLog.MAX_CAUSES + 50; i++) {
            log.info("cause " + i, "line");
        }

        assertEquals(RepeatLimitedLog.MAX_CAUSES + 1, log.counts().size());
        assertEquals(50, log.count(RepeatLimitedLog.OTHER));
    }

    @Test
    void zeroLogsEveryLine() {
        RepeatLimitedLog log = new RepeatLimitedLog(logger, Duration.ZERO);
        log.info("x", "one");
        log.info("x", "two");

        assertEquals(List.of("one", "two"), messages());
    }
}

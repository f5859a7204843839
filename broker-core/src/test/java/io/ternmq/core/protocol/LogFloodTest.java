package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An attacker who opens connection after connection with the same malformed packet, or a device stuck in a
 * reconnect loop with one client id, costs the log one line per cause per interval (10 s by default), and every
 * occurrence is still counted.
 */
class LogFloodTest {

    private final Logger disconnector = (Logger) LoggerFactory.getLogger(Disconnector.class);
    private final Logger registry = (Logger) LoggerFactory.getLogger(io.ternmq.core.session.SessionRegistry.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        for (Logger logger : new Logger[] {disconnector, registry}) {
            logger.setLevel(Level.INFO);
            logger.addAppender(lines);
        }
    }

    @AfterEach
    void release() {
        for (Logger logger : new Logger[] {disconnector, registry}) {
            logger.detachAppender(lines);
            logger.setLevel(null);
        }
    }

    @Test
    void aThousandMalformedPublishesMakeOneLineAndAThousandCounts() {
        TestEngine broker = TestEngine.start();
        for (int i = 0; i < 1_000; i++) {
            WireClient client = WireClient.connect(broker, "bad" + i, true);
            client.send("30 02 00 06");
            client.drop();
        }

        assertEquals(1, lines.list.size(), lines.list.toString());
        assertTrue(lines.list.get(0).getFormattedMessage().contains("malformed PUBLISH"), lines.list.toString());
        assertEquals(1_000L, broker.disconnector().closesByCause().get("PUBLISH 0x81"));
        assertEquals(1_000, broker.metrics().protocolViolations.sum());
    }

    @Test
    void aReconnectLoopOfOneClientIdMakesOneTakeoverLine() {
        TestEngine broker = TestEngine.start();
        for (int i = 0; i < 500; i++) {
            WireClient.connect(broker, "looping", true);
        }

        assertEquals(1, lines.list.stream().filter(e -> e.getFormattedMessage().contains("taken over")).count(),
                lines.list.toString());
        assertEquals(499, broker.metrics().sessionsTakenOver.sum());
    }
}

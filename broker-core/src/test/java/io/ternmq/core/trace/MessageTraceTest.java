package io.ternmq.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.auth.Identity;
import io.ternmq.core.auth.Permissions;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What is traced, what it costs when nothing is, and what a trace line looks like. */
class MessageTraceTest {

    @Test
    void nothingIsTracedUntilAClientOrTopicIsTurnedOn() {
        MessageTrace trace = new MessageTrace(false, 10);

        assertFalse(trace.traces("dev"));
        assertFalse(trace.traces("dev", "a/b"));
        trace.traceClient("dev", true);
        trace.traceTopic("alarms/+", true);

        assertTrue(trace.traces("dev"));
        assertTrue(trace.traces("dev", "a/b"));
        assertFalse(trace.traces("other"), "a topic filter traces PUBLISHes, not CONNECTs");
        assertTrue(trace.traces("other", "alarms/1"));
        assertFalse(trace.traces("other", "alarms/1/deep"));
        trace.traceClient("dev", false);
        trace.traceTopic("alarms/+", false);
        assertFalse(trace.traces("dev", "alarms/1"));
    }

    @Test
    void logTraceTracesEveryone() {
        MessageTrace trace = new MessageTrace(true, 10);

        assertTrue(trace.traces("anyone"));
        assertTrue(trace.traces("anyone", "any/topic"));
    }

    @Test
    void theTracedSetsAreBounded() {
        MessageTrace trace = new MessageTrace(false, 10);
        for (int i = 0; i < MessageTrace.MAX_TRACED; i++) {
            assertTrue(trace.traceClient("c" + i, true));
        }

        assertFalse(trace.traceClient("one-too-many", true));
        assertTrue(trace.traceClient("c0", true), "one already traced is no new entry");
        assertEquals(MessageTrace.MAX_TRACED, trace.tracedClients().size());
    }

    @Test
    void theRingKeepsTheNewestFirstWithTheMessagesProperties() {
        MessageTrace trace = new MessageTrace(true, 2);
        MessageProperties props = new MessageProperties(1, "text/plain", "reply", new byte[] {7},
                List.of(new UserProperty("site", "north")));
        trace.connect("dev", 5, "tcp", List.of(), new Identity("device", "pk/dev", new DeviceId("pk", "dev"),
                Permissions.ALL));
        trace.publish("dev", 5, "tcp", new PublishMessage("a/1", 1, new byte[3], "dev", props, 0));
        trace.publish("dev", 5, "tcp", new PublishMessage("a/2", 0, new byte[4], "dev"));

        List<TraceEvent> events = trace.recent("dev", 10);
        assertEquals(List.of("a/2", "a/1"), events.stream().map(TraceEvent::topic).toList(), "the ring holds two");
        assertEquals("text/plain", events.get(1).properties().contentType());
        assertEquals("north", events.get(1).userProperties().get(0).value());
        assertEquals(3, events.get(1).payloadBytes());
        MessageTrace signIns = new MessageTrace(true, 4);
        signIns.connect("dev", 4, "tls", List.of(), new Identity("device", "pk/dev", new DeviceId("pk", "dev"),
                Permissions.ALL));
        TraceEvent connect = signIns.recent("dev", 10).get(0);
        assertEquals("pk/dev", connect.identity(), "a sign-in is traced with who it was");
        assertEquals("device", connect.provider());
        assertEquals(null, events.get(0).identity(), "a PUBLISH carries no identity");
    }

    @Test
    void clientTextInATraceLineIsEscaped() {
        Logger logger = (Logger) LoggerFactory.getLogger(MessageTrace.LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
        try {
            new MessageTrace(true, 0).publish("dev\nFAKE LINE", 4, "tcp",
                    new PublishMessage("a/\r\nb", 0, new byte[0], "dev", new MessageProperties(null, null, null, null,
                            List.of(new UserProperty("k\n", "v\u0007"))), 0));

            String line = lines.list.get(0).getFormattedMessage();
            assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u0007"), line);
            assertTrue(line.contains("dev\\u000aFAKE LINE"), line);
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(null);
        }
    }
}

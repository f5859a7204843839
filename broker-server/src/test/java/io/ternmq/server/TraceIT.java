package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import io.ternmq.core.trace.MessageTrace;
import io.ternmq.core.trace.TraceEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The message trace: log.trace traces every client on the ternmq.trace logger and in the ring; without it only the
 * clients and topics turned on at run time are traced, and nothing else costs the trace anything.
 */
class TraceIT {

    @Test
    void publishWithUserPropertiesAppearsOnTheTraceLogger() throws Exception {
        Logger trace = (Logger) LoggerFactory.getLogger(MessageTrace.LOGGER);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        trace.addAppender(appender);
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_LOG_TRACE", "true"))) {
            Hive device = Hive.of(broker, "traced-device");
            device.client.connect();
            device.client.publishWith().topic("trace/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[7])
                    .userProperties(Mqtt5UserProperties.builder().add("deviceType", "lamp").add("fw", "1.2").build())
                    .send();
            device.disconnectQuietly();

            List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("CONNECT client=traced-device version=5.0")),
                    lines.toString());
            assertTrue(lines.contains("PUBLISH client=traced-device version=5.0 topic=trace/t qos=1 bytes=7 "
                    + "userProperties=[deviceType=lamp, fw=1.2]"), lines.toString());

            List<TraceEvent> recent = broker.server.engine().trace.recent("traced-device", 10);
            assertEquals(TraceEvent.Kind.PUBLISH, recent.get(0).kind(), "newest first");
            assertEquals("lamp", recent.get(0).userProperties().get(0).value());
            assertEquals(TraceEvent.Kind.CONNECT, recent.get(1).kind());
        } finally {
            trace.detachAppender(appender);
        }
    }

    @Test
    void nothingIsTracedByDefault() throws Exception {
        Logger trace = (Logger) LoggerFactory.getLogger(MessageTrace.LOGGER);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        trace.addAppender(appender);
        try (TestBroker broker = TestBroker.start()) {
            Hive device = Hive.of(broker, "quiet-device");
            device.client.connect();
            device.client.publishWith().topic("trace/quiet").qos(MqttQos.AT_LEAST_ONCE).send();
            device.disconnectQuietly();
            assertEquals(List.of(), appender.list, "trace logged with log.trace off");
            assertEquals(List.of(), broker.server.engine().trace.recent("quiet-device", 10),
                    "an untraced client leaves nothing in the ring");
        } finally {
            trace.detachAppender(appender);
        }
    }

    @Test
    void aClientOrTopicTracedAtRunTimeIsLoggedAndKeptAndOthersAreNot() throws Exception {
        Logger trace = (Logger) LoggerFactory.getLogger(MessageTrace.LOGGER);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        trace.addAppender(appender);
        try (TestBroker broker = TestBroker.start()) {
            MessageTrace messageTrace = broker.server.engine().trace;
            messageTrace.traceClient("watched", true);
            messageTrace.traceTopic("alarms/#", true);
            for (String id : new String[] {"watched", "other"}) {
                Hive device = Hive.of(broker, id);
                device.client.connect();
                device.client.publishWith().topic("plain/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
                device.client.publishWith().topic("alarms/" + id).qos(MqttQos.AT_LEAST_ONCE).send();
                device.disconnectQuietly();
            }

            assertEquals(List.of("alarms/watched", "plain/watched", "CONNECT"),
                    broker.server.engine().trace.recent("watched", 10).stream()
                            .map(e -> e.topic() == null ? "CONNECT" : e.topic()).toList());
            assertEquals(List.of("alarms/other"), broker.server.engine().trace.recent("other", 10).stream()
                    .map(TraceEvent::topic).toList(), "only its PUBLISH to the traced topic");
            assertEquals(4, appender.list.size(), appender.list.toString());
        } finally {
            trace.detachAppender(appender);
        }
    }
}

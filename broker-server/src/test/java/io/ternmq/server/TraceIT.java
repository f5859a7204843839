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

/** The message trace: log.trace turns on the ternmq.trace logger; the ring keeps recent events either way. */
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

            List<TraceEvent> recent = broker.server.broker().trace().recent("traced-device", 10);
            assertEquals(TraceEvent.Kind.PUBLISH, recent.get(0).kind(), "newest first");
            assertEquals("lamp", recent.get(0).userProperties().get(0).value());
            assertEquals(TraceEvent.Kind.CONNECT, recent.get(1).kind());
        } finally {
            trace.detachAppender(appender);
        }
    }

    @Test
    void traceLoggerIsOffByDefault() throws Exception {
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
            assertEquals(2, broker.server.broker().trace().recent("quiet-device", 10).size(),
                    "the ring keeps events whether or not the logger is on");
        } finally {
            trace.detachAppender(appender);
        }
    }
}

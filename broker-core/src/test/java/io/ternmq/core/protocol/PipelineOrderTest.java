package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.ternmq.core.Broker;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineOrderTest {

    private final Broker broker = TestBroker.start();

    @Test
    void installAddsTheMqttHandlersInOrder() {
        WireClient client = WireClient.open(broker);

        assertEquals(List.of(ConnectionLimiter.NAME, MqttPipelineInstaller.FLUSH, MqttPipelineInstaller.DECODER,
                MqttPipelineInstaller.ENCODER, MqttPipelineInstaller.CONNECT), client.handlerNames());
        assertEquals(List.of("connection-limit", "flush-consolidation", "mqtt-decoder", "mqtt-encoder", "connect"),
                client.handlerNames());
        var p = client.channel().pipeline();
        assertInstanceOf(ConnectionLimiter.class, p.get(ConnectionLimiter.NAME));
        assertInstanceOf(FlushConsolidationHandler.class, p.get(MqttPipelineInstaller.FLUSH));
        assertInstanceOf(MqttDecoder.class, p.get(MqttPipelineInstaller.DECODER));
        assertInstanceOf(MqttEncoder.class, p.get(MqttPipelineInstaller.ENCODER));
        assertInstanceOf(ConnectHandler.class, p.get(MqttPipelineInstaller.CONNECT));
        client.drop();
    }

    @Test
    void connectReplacesTheConnectHandlerWithMqtt3WhichWatchesTheKeepalive() {
        WireClient client = WireClient.connect(broker, "c1", true);

        assertEquals(List.of("connection-limit", "flush-consolidation", "mqtt-decoder", "mqtt-encoder",
                "mqtt3"), client.handlerNames());
        var p = client.channel().pipeline();
        Mqtt3Handler handler = assertInstanceOf(Mqtt3Handler.class, p.get(MqttPipelineInstaller.MQTT3));
        assertEquals(90_000, handler.keepaliveMillis(), "1.5 times the keepalive of 60 s WireClient.connect asks");
        client.drop();
    }

    @Test
    void refusedConnectLeavesNoProtocolHandlerBehind() {
        WireClient client = WireClient.open(broker);
        client.send("10 0E 00 04 4D 51 54 54 04 00 00 3C 00 00"); // empty id, clean session 0
        client.read();

        List<String> names = client.handlerNames();
        assertFalse(names.contains(MqttPipelineInstaller.MQTT3), names.toString());
        assertFalse(client.isOpen());
    }

    @Test
    void theConnectionLimiterCountsOpenConnections() {
        WireClient a = WireClient.open(broker);
        WireClient b = WireClient.connect(broker, "b", true);
        assertEquals(2, broker.pipelineInstaller().openConnections());
        a.drop();
        b.drop();
        assertEquals(0, broker.pipelineInstaller().openConnections());
    }
}

package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.ternmq.core.codec.MqttFrameDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineOrderTest {

    private final TestEngine broker = TestEngine.start();

    @Test
    void installAddsTheMqttHandlersInOrder() {
        // As a listener installs it: before the channel is registered and active.
        EmbeddedChannel channel = EmbeddedChannel.builder().register(false).build();
        broker.pipelineInstaller().install(channel, "tcp");
        // Without the initializer EmbeddedChannel always adds first (empty here) and Netty's tail.
        List<String> names = channel.pipeline().names().stream()
                .filter(n -> !n.startsWith("EmbeddedChannel$") && !n.startsWith("DefaultChannelPipeline$")).toList();

        assertEquals(List.of(ConnectionLimiter.NAME, MqttPipelineInstaller.BYTES, MqttPipelineInstaller.FLUSH, MqttPipelineInstaller.DECODER,
                MqttPipelineInstaller.ENCODER, MqttPipelineInstaller.CONNECT), names);
        assertEquals(List.of("connection-limit", "byte-counter", "flush-consolidation", "mqtt-decoder", "mqtt-encoder", "connect"),
                names);
        assertInstanceOf(ConnectionLimiter.class, channel.pipeline().get(ConnectionLimiter.NAME));
        assertEquals(0, broker.pipelineInstaller().openConnections(), "counted when active, not when installed");
    }

    @Test
    void anAcceptedConnectionIsCountedAndTheLimiterLeavesItsPipeline() {
        WireClient client = WireClient.open(broker);

        assertEquals(1, broker.pipelineInstaller().openConnections());
        assertEquals(List.of("byte-counter", "flush-consolidation", "mqtt-decoder", "mqtt-encoder", "connect"),
                client.handlerNames());
        var p = client.channel().pipeline();
        assertFalse(client.handlerNames().contains(ConnectionLimiter.NAME));
        assertInstanceOf(FlushConsolidationHandler.class, p.get(MqttPipelineInstaller.FLUSH));
        assertInstanceOf(MqttFrameDecoder.class, p.get(MqttPipelineInstaller.DECODER));
        assertInstanceOf(MqttEncoder.class, p.get(MqttPipelineInstaller.ENCODER));
        assertInstanceOf(ConnectHandler.class, p.get(MqttPipelineInstaller.CONNECT));
        client.drop();
    }

    @Test
    void connectReplacesTheConnectHandlerWithMqtt3WhichWatchesTheKeepalive() {
        WireClient client = WireClient.connect(broker, "c1", true);

        assertEquals(List.of("byte-counter", "flush-consolidation", "mqtt-decoder", "mqtt-encoder", "mqtt3"),
                client.handlerNames());
        var p = client.channel().pipeline();
        Mqtt3Handler handler = assertInstanceOf(Mqtt3Handler.class, p.get(MqttPipelineInstaller.MQTT3));
        assertEquals(90_000, handler.keepaliveMillis(), "1.5 times the keepalive of 60 s WireClient.connect asks");
        client.drop();
    }

    @Test
    void refusedConnectLeavesNoProtocolHandlerBehind() {
        WireClient client = WireClient.open(broker);
        client.send("10 0C 00 04 4D 51 54 54 04 00 00 3C 00 00"); // empty id, clean session 0
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

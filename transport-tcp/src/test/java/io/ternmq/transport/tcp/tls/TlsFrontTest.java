package io.ternmq.transport.tcp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.ternmq.config.BrokerConfig;
import io.ternmq.config.ConfigLoader;
import io.ternmq.core.protocol.ConnectionLimiter;
import io.ternmq.core.protocol.MqttPipelineInstaller;
import io.ternmq.core.protocol.TestEngine;
import io.ternmq.tls.ReloadableTlsContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS front sits before the shared MQTT pipeline, and only the front differs from plain TCP. */
class TlsFrontTest {

    @TempDir
    Path dataDir;

    @Test
    void tlsHandlersComeFirstThenTheSharedMqttPipeline() throws Exception {
        BrokerConfig config = ConfigLoader.load(null, Map.of(), Map.of("tls.handshake-timeout", "2500ms"));
        TestEngine broker = TestEngine.of(config, 0);
        try (ReloadableTlsContext context = ReloadableTlsContext.open(config.tls(), dataDir)) {
            TlsFront front = new TlsFront(context);
            EmbeddedChannel channel = new EmbeddedChannel();
            front.addTo(channel);
            broker.pipelineInstaller().install(channel, front.transport());

            List<String> names = channel.pipeline().names();
            assertEquals(List.of(TlsFront.SSL, TlsFront.HANDSHAKE, ConnectionLimiter.NAME,
                    MqttPipelineInstaller.BYTES, MqttPipelineInstaller.FLUSH, MqttPipelineInstaller.DECODER,
                    MqttPipelineInstaller.ENCODER, MqttPipelineInstaller.CONNECT), names.subList(0, 8));
            SslHandler ssl = assertInstanceOf(SslHandler.class, channel.pipeline().get(TlsFront.SSL));
            assertEquals(2500, ssl.getHandshakeTimeoutMillis());
            assertEquals("tls", front.transport());
            channel.finishAndReleaseAll();
        } finally {
            broker.shutdown(1, TimeUnit.SECONDS);
        }
    }
}

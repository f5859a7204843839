package io.ternmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.fuzz.PacketType;
import io.ternmq.fuzz.Seed;
import io.ternmq.fuzz.SeedCorpus;
import org.junit.jupiter.api.Test;

/**
 * The corpus through a decoder written by other people: Netty's MqttDecoder, which checks protocol names and
 * levels, fixed header flags, lengths, properties and their types. Every seed must decode, as the type it is. A
 * packet after the CONNECT of its level, since the decoder learns the version from the CONNECT.
 */
class SeedCorpusNettyTest {

    @Test
    void everySeedDecodesWithNettysMqttDecoder() {
        for (Seed seed : SeedCorpus.all()) {
            EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(1024 * 1024));
            try {
                if (seed.type() != PacketType.CONNECT) {
                    decode(channel, SeedCorpus.connect(seed.level(), "fuzz-0"), "CONNECT of " + seed.label());
                }
                MqttMessage m = decode(channel, seed.bytes(), seed.label());
                assertEquals(seed.type().value(), m.fixedHeader().messageType().value(), seed.label());
            } finally {
                channel.finishAndReleaseAll();
            }
        }
    }

    private static MqttMessage decode(EmbeddedChannel channel, byte[] bytes, String what) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        MqttMessage m = channel.readInbound();
        assertNotNull(m, what + " decoded");
        try {
            assertTrue(m.decoderResult().isSuccess(), what + ": " + m.decoderResult().cause());
            return m;
        } finally {
            ReferenceCountUtil.release(m);
        }
    }
}

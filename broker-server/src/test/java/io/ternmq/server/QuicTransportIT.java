package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.ternmq.transport.quic.QuicStats;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The QUIC transport itself: ALPN, isolation of bad connections, connection migration through a NAT rebinding,
 * TLS session resumption with CONNECT in 0-RTT, and the stream limit.
 */
class QuicTransportIT extends SharedBrokerIT {

    private static QuicMqttClient.Context context;

    @BeforeAll
    static void clientContext() throws Exception {
        context = new QuicMqttClient.Context(broker.certificate());
    }

    @AfterAll
    static void closeContext() {
        context.close();
    }

    private static QuicStats stats() {
        return broker.server.quic().stats();
    }

    private static QuicMqttClient connected(QuicMqttClient.Context ctx, java.net.InetSocketAddress to, String id)
            throws Exception {
        QuicMqttClient client = QuicMqttClient.connect(ctx, to, QuicMqttClient.connectMessage(id, MqttVersion.MQTT_5));
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                client.connack.get().variableHeader().connectReturnCode());
        return client;
    }

    /** A client that offers only ALPN h3 fails the handshake: the broker speaks MQTT only. */
    @Test
    void aClientOfferingAlpnH3IsRefused() throws Exception {
        try (QuicMqttClient.Context h3 = new QuicMqttClient.Context(broker.certificate(), 1, "h3");
             QuicMqttClient client = QuicMqttClient.start(h3, broker.quicAddress(),
                     QuicMqttClient.connectMessage("alpn-h3", MqttVersion.MQTT_5))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.connack.get(20, TimeUnit.SECONDS));
            assertNotNull(e.getCause());
            assertThrows(ExecutionException.class, () -> client.quic.get(10, TimeUnit.SECONDS),
                    "the QUIC handshake itself fails");
        }
    }

    /** Garbage datagrams, and a client that breaks MQTT on its stream, end only their own connection. */
    @Test
    void garbageDatagramsAndAMalformedStreamCloseOnlyTheirOwnConnection() throws Exception {
        try (QuicMqttClient bystander = connected(context, broker.quicAddress(), "bystander");
             DatagramSocket garbage = new DatagramSocket()) {
            bystander.subscribe("isolation/#", 1);
            Random random = new Random(42);
            for (int i = 0; i < 50; i++) {
                byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                if (i % 2 == 0) {
                    junk[0] = (byte) (0x40 | (junk[0] & 0x3f)); // looks like a short-header (1-RTT) packet
                }
                garbage.send(new DatagramPacket(junk, junk.length, broker.quicAddress()));
            }
            try (QuicMqttClient breaker = connected(context, broker.quicAddress(), "breaker")) {
                breaker.writeRaw(HexFormat.of().parseHex("f000")); // packet type 15 is reserved: malformed
                breaker.closed.get(10, TimeUnit.SECONDS);
                assertTrue(breaker.quic.get().closeFuture().await(10, TimeUnit.SECONDS),
                        "closing the MQTT stream closes the QUIC connection");
            }
            try (QuicMqttClient publisher = connected(context, broker.quicAddress(), "after-garbage")) {
                publisher.publish("isolation/x", "still here", 1).get(10, TimeUnit.SECONDS);
            }
            QuicMqttClient.Received got = bystander.next(10_000);
            assertNotNull(got, "the bystander's connection survived");
            assertEquals("still here", got.text());
            assertFalse(bystander.closed.isDone());
        }
    }

    /**
     * The client's packets start arriving from a new port in the middle of the session (a NAT rebinding). The QUIC
     * connection follows it: the subscription stays, messages flow both ways, nothing is lost and no second
     * CONNECT is sent.
     */
    @Test
    void aClientWhoseAddressChangesKeepsItsSessionWithoutReconnecting() throws Exception {
        try (UdpRelay relay = new UdpRelay(broker.quicAddress());
             QuicMqttClient mobile = connected(context, relay.address(), "mobile");
             PahoClients.Client tcp = PahoClients.connect(broker, "mobile-peer", MqttConnectOptions.MQTT_VERSION_3_1_1,
                     true)) {
            mobile.subscribe("migrate/to-mobile", 1);
            tcp.paho.subscribe("migrate/to-tcp", 1);
            long migrationsBefore = stats().migrations();
            int count = 40;
            int oldPort = relay.upstreamPort();
            for (int i = 0; i < count; i++) {
                if (i == count / 2) {
                    relay.rebind();
                }
                tcp.publish("migrate/to-mobile", "down " + i, 1);
                mobile.publish("migrate/to-tcp", "up " + i, 1).get(10, TimeUnit.SECONDS);
            }
            assertNotEquals(oldPort, relay.upstreamPort());
            for (int i = 0; i < count; i++) {
                QuicMqttClient.Received down = mobile.next(10_000);
                assertNotNull(down, "message " + i + " to the migrated client was lost");
                assertEquals("down " + i, down.text());
                PahoClients.Received up = tcp.next();
                assertNotNull(up, "message " + i + " from the migrated client was lost");
                assertEquals("up " + i, up.text());
            }
            assertEquals(1, mobile.connectsSent(), "no second CONNECT");
            assertFalse(mobile.closed.isDone());
            awaitAtLeast(() -> stats().migrations(), migrationsBefore + 1, "the broker saw the client migrate");
        }
    }

    /**
     * A second connection from the same client context resumes the TLS session from the ticket the broker issued
     * and sends CONNECT in its first flight (0-RTT early data).
     */
    @Test
    void aReturningClientResumesItsTlsSessionAndSendsConnectIn0Rtt() throws Exception {
        assertResumes(broker);
    }

    /**
     * Stateless retry can be switched off (one round trip less for a new client); clients still connect and resume.
     * Without it nothing stops a replay of a first flight, so nothing sent in 0-RTT is acted on before the
     * handshake has completed (EarlyDataGateTest shows the holding itself).
     */
    @Test
    void withoutStatelessRetryClientsConnectResumeAndNothingActsEarly() throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_QUIC_STATELESS_RETRY", "false"))) {
            assertResumes(own);
            assertEquals(0, own.server.quic().stats().earlyDataConnects());
            assertEquals(0, own.server.quic().refusedTokens(), "no token was asked for, so none was refused");
        }
    }

    private static void assertResumes(TestBroker broker) throws Exception {
        try (QuicMqttClient.Context returning = new QuicMqttClient.Context(broker.certificate())) {
            try (QuicMqttClient first = connected(returning, broker.quicAddress(), "returning")) {
                assertFalse(first.sessionReused(), "a first connection has no session to resume");
                assertFalse(first.connectInEarlyData());
                first.subscribe("warmup", 1); // one more round trip: the session ticket has arrived by now
                first.disconnect();
            }
            try (QuicMqttClient second = connected(returning, broker.quicAddress(), "returning")) {
                assertTrue(second.sessionReused(), "the TLS session was resumed from its ticket");
                assertTrue(second.connectInEarlyData(), "CONNECT went out in the client's first flight (0-RTT)");
                second.subscribe("after-0rtt", 1);
                second.publish("after-0rtt", "ok", 1).get(10, TimeUnit.SECONDS);
                assertEquals("ok", second.next(10_000).text());
            }
        }
    }

    /** With room for more streams, every stream after the MQTT one is reset; the MQTT connection goes on. */
    @Test
    void streamsAfterTheMqttStreamAreRefused() throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_QUIC_MAX_STREAMS", "3"));
             QuicMqttClient.Context ctx = new QuicMqttClient.Context(own.certificate());
             QuicMqttClient client = connected(ctx, own.quicAddress(), "streams")) {
            QuicChannel quic = client.quic.get();
            QuicStreamChannel extra = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter())
                    .get(10, TimeUnit.SECONDS);
            extra.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) 0xc0, 0})).sync();
            awaitAtLeast(() -> own.server.quic().stats().refusedStreams(), 1, "the extra stream is refused");
            assertEquals(1, own.server.quic().stats().refusedStreams());
            client.subscribe("still/works", 1);
            client.publish("still/works", "yes", 1).get(10, TimeUnit.SECONDS);
            assertEquals("yes", client.next(10_000).text());
        }
    }

    private static void awaitAtLeast(LongSupplier value, long expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(value.getAsLong() >= expected, what + ": " + value.getAsLong() + " < " + expected);
    }
}

package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.codec.quic.QuicChannel;
import io.ternmq.transport.quic.QuicStats;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/**
 * The QUIC transport itself: ALPN, isolation of bad connections, connection migration through a NAT rebinding,
 * TLS session resumption with CONNECT in 0-RTT (the streams of a connection: QuicMultiStreamIT).
 */
class QuicTransportIT extends SharedQuicBrokerIT {

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

    /**
     * The broker's max_ack_delay transport parameter is {@code quic.max-ack-delay} (5 ms by default, not quiche's
     * 25): a client's loss recovery waits that much on top of a round trip before it resends.
     */
    @Test
    void theBrokerPromisesToAcknowledgeWithinItsMaxAckDelay() throws Exception {
        try (QuicMqttClient client = connected(context, broker.quicAddress(), "ack-delay")) {
            QuicChannel quic = client.quic.get(10, TimeUnit.SECONDS);
            assertEquals(5, quic.peerTransportParameters().maxAckDelay(), "milliseconds, as sent in the handshake");
        }
    }

    /**
     * The UDP sockets are on the I/O event loops, which own the sessions, one per loop (with the API's and the TCP
     * listeners' loops taken in between, a group's next() could have put two on one loop).
     */
    @Test
    void theQuicSocketsAreOnePerIoEventLoop() throws Exception {
        java.util.List<io.netty.channel.EventLoop> loops = broker.server.quic().socketLoops();
        assertEquals(Runtime.getRuntime().availableProcessors(), loops.size(), "one socket per I/O loop: " + loops);
        assertEquals(loops.size(), new java.util.HashSet<>(loops).size(), "no two sockets on one loop: " + loops);
        for (io.netty.channel.EventLoop loop : loops) {
            String thread = loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            assertTrue(thread.startsWith("ternmq-io-"), "a socket on " + thread);
        }
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
        assertMigrates("mobile", null, 40);
    }

    /**
     * A real address change (127.0.0.1 to 127.0.0.2, as from Wi-Fi to cellular) while QoS 1 messages are in flight
     * both ways: the QUIC connection follows, and each of the messages arrives once, in order, none lost, none
     * twice (the broker resends nothing, the client sends no second CONNECT).
     */
    @Test
    void aRealAddressChangeWithQos1InFlightLosesNoneAndDuplicatesNone() throws Exception {
        assertMigrates("moving", InetAddress.getByName("127.0.0.2"), 200);
    }

    /**
     * QoS 1 both ways between a QUIC client behind a relay and a TCP client; halfway through, the relay moves the
     * QUIC client to a new port (to) or a new address; the QUIC client's publishes are not awaited, so the first
     * half is in flight (PUBACKs not yet back, deliveries on their way) as it moves.
     */
    private static void assertMigrates(String clientId, InetAddress to, int count) throws Exception {
        try (UdpRelay relay = new UdpRelay(broker.quicAddress());
             QuicMqttClient mobile = connected(context, relay.address(), clientId);
             PahoClients.Client tcp = PahoClients.connect(broker, clientId + "-peer",
                     MqttConnectOptions.MQTT_VERSION_3_1_1, true)) {
            mobile.subscribe(clientId + "/down", 1);
            tcp.paho.subscribe(clientId + "/up", 1);
            long migrationsBefore = stats().migrations();
            int oldPort = relay.upstreamPort();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (i == count / 2) {
                    if (to == null) {
                        relay.rebind();
                    } else {
                        relay.rebind(to);
                    }
                }
                acks.add(mobile.publish(clientId + "/up", "up " + i, 1));
                tcp.paho.publish(clientId + "/down", ("down " + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            if (to == null) {
                assertNotEquals(oldPort, relay.upstreamPort());
            } else {
                assertEquals(to, relay.upstreamAddress());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < count; i++) {
                QuicMqttClient.Received down = mobile.next(10_000);
                assertNotNull(down, "message " + i + " to the moving client was lost");
                assertEquals("down " + i, down.text(), "out of order or duplicated");
                PahoClients.Received up = tcp.next();
                assertNotNull(up, "message " + i + " from the moving client was lost");
                assertEquals("up " + i, up.text(), "out of order or duplicated");
            }
            assertNull(mobile.next(1_000), "a message arrived twice");
            assertNull(tcp.nextOrNull(1_000), "a message arrived twice");
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
     * Without it nothing stops a replay of a first flight, so a CONNECT in 0-RTT is acted on before the handshake
     * only when its client id has no session (a replay then has nothing to take over or discard), as
     * "returning-again"; a CONNECT that would take over a connected client's session waits for the
     * handshake, and takes it over then.
     */
    @Test
    void withoutStatelessRetryOnlyAConnectForAClientIdWithoutASessionActsEarly() throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_QUIC_STATELESS_RETRY", "false"))) {
            assertResumes(own);
            assertEquals(1, own.server.quic().stats().earlyDataConnects(), "'returning-again' has no session");
            assertEquals(0, own.server.quic().refusedTokens(), "no token was asked for, so none was refused");
            try (QuicMqttClient.Context returning = new QuicMqttClient.Context(own.certificate());
                 PahoClients.Client holder = PahoClients.connect(own, "held-id", MqttConnectOptions.MQTT_VERSION_3_1_1,
                         true)) {
                try (QuicMqttClient warm = connected(returning, own.quicAddress(), "warm-up-id")) {
                    warm.subscribe("warmup", 1); // the session ticket has arrived by now
                    warm.disconnect();
                }
                try (QuicMqttClient takeover = connected(returning, own.quicAddress(), "held-id")) {
                    assertTrue(takeover.connectInEarlyData(), "the CONNECT went in 0-RTT");
                    assertEquals(1, own.server.quic().stats().earlyDataConnects(),
                            "a CONNECT that takes over a connected client waits for the handshake");
                    awaitAtLeast(() -> holder.paho.isConnected() ? 0 : 1, 1, "the TCP client was taken over");
                }
                // A Link SDK client id is looked up as the session's id: its |...| parameters are not part of it
                try (PahoClients.Client device = PahoClients.connect(own, "link-dev",
                        MqttConnectOptions.MQTT_VERSION_3_1_1, true);
                     QuicMqttClient link = QuicMqttClient.start(returning, own.quicAddress(),
                             QuicMqttClient.connectMessage("link-dev|securemode=3,signmethod=hmacsha256,"
                                     + "timestamp=1700000000000|", MqttVersion.MQTT_5))) {
                    link.connack.handle((c, e) -> null).get(20, TimeUnit.SECONDS);
                    assertTrue(link.connectInEarlyData(), "the CONNECT went in 0-RTT");
                    assertEquals(1, own.server.quic().stats().earlyDataConnects(),
                            "link-dev has a session: its Link SDK CONNECT waits for the handshake");
                }
            }
        }
    }

    /**
     * 0-RTT saves its round trip. Through a relay that holds every datagram 50 ms each way and counts the client's
     * flights, a fresh connection's CONNACK answers its second flight (Initial; then Finished with CONNECT), a
     * resumed one's its first: its CONNECT went in 0-RTT early data and was answered before the client's second
     * flight reached the broker. Stateless retry is off here (quiche does not send 0-RTT data again after a Retry, so with retry a
     * resumed CONNECT waits for the handshake); the client id has no session, so the early CONNECT is acted on.
     */
    @Test
    void aResumedClientHasItsConnackOneRoundTripSooner() throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_QUIC_STATELESS_RETRY", "false"))) {
            long[] flights = flightsToConnack(own, "rtt-early");
            assertEquals(1, flights[1], "the resumed CONNECT was answered before the client's second flight");
            assertTrue(flights[0] >= flights[1] + 1, "a fresh connection took " + flights[0] + " flights");
            assertEquals(1, own.server.quic().stats().earlyDataConnects());
        }
    }

    /** quic.early-data: off: the TLS layer refuses 0-RTT; a resumed client sends CONNECT after the handshake. */
    @Test
    void withEarlyDataOffAResumedConnectWaitsForTheHandshake() throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_QUIC_STATELESS_RETRY", "false",
                "TERNMQ_QUIC_EARLY_DATA", "off"))) {
            long[] flights = flightsToConnack(own, "rtt-off");
            assertTrue(flights[1] >= 2, "with early data off the CONNACK answers a later flight: " + flights[1]);
            assertEquals(0, own.server.quic().stats().earlyDataStreams(), "no stream arrived in early data");
        }
    }

    /**
     * A QoS 1 PUBLISH sent in 0-RTT with the CONNECT is held until the handshake completes and delivered once; an
     * attacker who replays the recorded first flight later (the same datagrams from another address) gets a
     * connection whose handshake never completes, and the PUBLISH in it is never delivered.
     */
    @Test
    void aReplayedEarlyPublishIsNotDeliveredTwice() throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_QUIC_STATELESS_RETRY", "false",
                "TERNMQ_QUIC_HANDSHAKE_TIMEOUT", "2s"));
             UdpRelay relay = new UdpRelay(own.quicAddress(), Duration.ofMillis(50));
             QuicMqttClient.Context returning = new QuicMqttClient.Context(own.certificate());
             PahoClients.Client subscriber = PahoClients.connect(own, "replay-watcher",
                     MqttConnectOptions.MQTT_VERSION_3_1_1, true)) {
            subscriber.paho.subscribe("replay/once", 1);
            try (QuicMqttClient first = connected(returning, relay.address(), "replay-warm-up")) {
                first.subscribe("warmup", 1); // the session ticket has arrived by now
                first.disconnect();
            }
            relay.awaitQuiet(Duration.ofMillis(300));
            relay.rebind(); // a new source port for the new connection (see flightsToConnack)
            relay.resetFlights();
            QuicMqttClient resumed = QuicMqttClient.startWithPublish(returning, relay.address(),
                    QuicMqttClient.connectMessage("replayed", MqttVersion.MQTT_5), "replay/once", "only once");
            try {
                resumed.withConnectAck.get(20, TimeUnit.SECONDS);
                assertTrue(resumed.connectInEarlyData(), "CONNECT and PUBLISH went in 0-RTT");
                assertEquals("only once", subscriber.next().text());
                assertEquals(1, own.server.quic().stats().earlyDataConnects(), "the CONNECT acted early");
                resumed.disconnect();
            } finally {
                resumed.close();
            }
            relay.awaitQuiet(Duration.ofMillis(300)); // its session ended with it: the replay's client id is free
            long timeouts = own.server.quic().stats().handshakeTimeouts();
            long earlyStreams = own.server.quic().stats().earlyDataStreams();
            assertTrue(relay.replayFirstFlight() > 0);
            awaitAtLeast(() -> own.server.quic().stats().earlyDataStreams(), earlyStreams + 1,
                    "the replayed first flight's 0-RTT stream reached the broker");
            awaitAtLeast(() -> own.server.quic().stats().handshakeTimeouts(), timeouts + 1,
                    "the replay's handshake never completed");
            assertNull(subscriber.nextOrNull(1_000), "the replayed PUBLISH was delivered");
        }
    }

    /** {fresh, resumed}: the client flight the CONNACK answered, through a 50 ms relay, for two connections. */
    private static long[] flightsToConnack(TestBroker broker, String clientId) throws Exception {
        try (UdpRelay relay = new UdpRelay(broker.quicAddress(), Duration.ofMillis(50));
             QuicMqttClient.Context returning = new QuicMqttClient.Context(broker.certificate())) {
            long[] flights = new long[2];
            for (int i = 0; i < 2; i++) {
                relay.awaitQuiet(Duration.ofMillis(300)); // the first connection's close is over
                // A new connection from a new source port, as a client's new socket gives it: Netty 4.2.18 reads
                // no 0-RTT stream early for a connection from the address and port of one that just closed.
                relay.rebind();
                relay.resetFlights();
                // a client id of its own each time: the first one's session may still be ending
                QuicMqttClient client = QuicMqttClient.start(returning, relay.address(),
                        QuicMqttClient.connectMessage(clientId + "-" + i, MqttVersion.MQTT_5));
                // read on the client's event loop as the CONNACK is decoded: which client flight it answers
                CompletableFuture<Long> atConnack = client.connack.thenApply(c -> relay.answeredFlight());
                try {
                    flights[i] = atConnack.get(20, TimeUnit.SECONDS);
                    assertEquals(i == 1, client.sessionReused(), "connection " + i + " resumed its TLS session");
                    if (i == 0) {
                        client.subscribe("warmup", 1); // the session ticket has arrived by now
                    }
                    client.disconnect();
                } finally {
                    client.close();
                }
            }
            return flights;
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
            // another client id: the first one's session may still be ending as the 0-RTT CONNECT arrives
            try (QuicMqttClient second = connected(returning, broker.quicAddress(), "returning-again")) {
                assertTrue(second.sessionReused(), "the TLS session was resumed from its ticket");
                assertTrue(second.connectInEarlyData(), "CONNECT went out in the client's first flight (0-RTT)");
                second.subscribe("after-0rtt", 1);
                second.publish("after-0rtt", "ok", 1).get(10, TimeUnit.SECONDS);
                assertEquals("ok", second.next(10_000).text());
            }
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

package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.ternmq.core.session.Session;
import io.ternmq.fuzz.Completion;
import io.ternmq.fuzz.FuzzCase;
import io.ternmq.fuzz.FuzzCases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * 100,000 hostile cases from the fuzz generator (mutations of valid packets of every type for MQTT 3.1, 3.1.1 and
 * 5.0, as the first packet or after a valid CONNECT) through the real pipeline, with Netty's leak detector at
 * PARANOID. Each case sends the mutated packet, the zero bytes that complete what its headers declare (so a
 * correct broker never has to wait), then a PINGREQ. The property checked for every case:
 * <ul>
 *   <li>answered: the connection is open and the PINGREQ got its PINGRESP (the packet was valid and handled), or</li>
 *   <li>closed at once: MQTT 5 after its CONNECT with a DISCONNECT whose reason code is an error (0x80 or above) and
 *       nothing after it, or no DISCONNECT only where the client's own packet was a DISCONNECT; MQTT 3.x without
 *       any DISCONNECT;</li>
 *   <li>never open without the PINGRESP (a wait for bytes that a complete packet does not promise);</li>
 * </ul>
 * and for the run: no warning or error logged, no buffer leaked, no connection left bound to a session.
 */
class FuzzTest {

    static final int CASES = 100_000;
    private static final long SEED = 20261201L;
    private static final byte[] PINGREQ = {(byte) 0xC0, 0x00};
    /** Reason codes a 5.0 DISCONNECT from the broker may carry after a client's packet broke a rule. */
    private static final Set<Integer> VIOLATION_CODES = Set.of(0x81, 0x82, 0x83, 0x90, 0x93, 0x94, 0x95, 0x9A, 0x9B,
            0xA1);

    private enum Outcome { ANSWERED, CLOSED }

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                super.append(event);
            }
        }
    };

    @BeforeEach
    void watchTheLog() {
        warnings.start();
        root.addAppender(warnings);
    }

    @AfterEach
    void stopWatching() {
        root.detachAppender(warnings);
    }

    @Test
    void everyCaseIsAnsweredOrClosedAtOnceWithNothingLeaked() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "the suite runs Netty's leak detector at PARANOID");
        TestEngine broker = TestEngine.start();
        int cap = broker.policy().maxPacketSize();
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        List<String> failures = new ArrayList<>();
        new FuzzCases(SEED).stream(CASES).forEach(c -> {
            String failure = run(broker, c, cap, outcomes);
            if (failure != null && failures.size() < 20) {
                failures.add(failure + ": " + c);
            }
        });

        assertTrue(failures.isEmpty(), failures.size() + " cases broke the property, e.g.\n" + String.join("\n", failures));
        assertEquals(CASES, outcomes.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(outcomes.getOrDefault(Outcome.ANSWERED, 0) > 100, "some mutations stay valid: " + outcomes);
        for (Session session : broker.registry().all()) {
            assertEquals(null, session.connection(), "a closed connection is still bound to " + session.clientId());
        }
        forceLeakReports();
        assertEquals(List.of(), warnings.list.stream().map(ILoggingEvent::getFormattedMessage).toList(),
                "nothing logged at WARN or ERROR, no buffer leaked");
    }

    /** Runs one case; null when it kept the property, else what went wrong. */
    private static String run(TestEngine broker, FuzzCase c, int cap, Map<Outcome, Integer> outcomes) {
        WireClient client = WireClient.open(broker);
        try {
            if (c.afterConnect()) {
                client.send(c.connect());
                String connAck = client.read();
                if (!connAck.startsWith("20") || !client.isOpen()) {
                    return "the valid CONNECT was not accepted: " + connAck;
                }
            }
            long violations = broker.metrics().protocolViolations.sum();
            Completion completion = c.completion(cap);
            byte[] padding = new byte[completion.status() == Completion.Status.PADDED ? completion.padding() : 0];
            client.send(concat(c.packet(), padding, PINGREQ));
            List<Mqtt5Wire.Packet> out = Mqtt5Wire.split(client.read());
            boolean open = client.isOpen();
            if (open) {
                if (out.isEmpty() || out.get(out.size() - 1).firstByte() != 0xD0) {
                    return "neither answered nor closed (" + completion + ")";
                }
                outcomes.merge(Outcome.ANSWERED, 1, Integer::sum);
                return null;
            }
            outcomes.merge(Outcome.CLOSED, 1, Integer::sum);
            return c.afterConnect() ? checkClose(c, out, broker.metrics().protocolViolations.sum() > violations) : null;
        } finally {
            client.drop();
        }
    }

    /** After a valid CONNECT: how the broker ended the connection is what the client's version says. */
    private static String checkClose(FuzzCase c, List<Mqtt5Wire.Packet> out, boolean violation) {
        Mqtt5Wire.Packet last = out.isEmpty() ? null : out.get(out.size() - 1);
        boolean disconnect = last != null && last.firstByte() == 0xE0;
        if (c.level() < 5) {
            return disconnect ? "a DISCONNECT sent to an MQTT 3.x client" : null;
        }
        if (!disconnect) {
            boolean clientDisconnected = (c.packet()[0] & 0xFF) == 0xE0 && !violation;
            return clientDisconnected ? null : "closed without a DISCONNECT";
        }
        int reason = last.body().length == 0 ? 0 : last.body()[0] & 0xFF;
        return VIOLATION_CODES.contains(reason) ? null : String.format("DISCONNECT with reason code 0x%02X", reason);
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }

    /** The leak detector reports a lost buffer when it is collected and a later allocation is tracked. */
    private static void forceLeakReports() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 1_000; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(8);
                probe.release();
            }
        }
    }
}

package io.ternmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.bench.fuzz.FuzzOptions;
import io.ternmq.bench.fuzz.Outcome;
import io.ternmq.fuzz.Completion;
import io.ternmq.fuzz.FuzzCase;
import io.ternmq.fuzz.FuzzCases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz command against {@link StubBroker}, whose rules are simple enough to predict the outcome of every
 * case from its bytes: the counts the command reports must be exactly the predicted ones. One case is made to
 * hang and one to have its CONNECT refused, so every outcome but connect-failed occurs.
 */
class FuzzCommandTest {

    private static final long SEED = 1;
    private static final int CASES = 300;

    @TempDir
    Path tmp;

    @Test
    void everyCaseIsClassifiedAsTheStubDealtWithIt() throws Exception {
        FuzzCases cases = new FuzzCases(SEED);
        long hang = afterConnectCase(cases, 10);
        long refuse = afterConnectCase(cases, hang + 1);
        Map<Outcome, Long> expected = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            expected.put(o, 0L);
        }
        for (long i = 0; i < CASES; i++) {
            Outcome o = i == hang ? Outcome.HUNG : i == refuse ? Outcome.REFUSED_CONNECT : predict(cases.caseAt(i));
            expected.merge(o, 1L, Long::sum);
        }
        assertTrue(expected.get(Outcome.CLOSED) > 0 && expected.get(Outcome.ANSWERED) > 0
                && expected.get(Outcome.BEYOND_CAP) > 0, "the cases cover the outcomes: " + expected);

        Path json = tmp.resolve("fuzz.json");
        String printed;
        try (StubBroker stub = new StubBroker(FuzzCases.clientId(hang), FuzzCases.clientId(refuse))) {
            printed = bench(0, "fuzz", "--port", Integer.toString(stub.port()), "--cases", Integer.toString(CASES),
                    "--seed", Long.toString(SEED), "--concurrency", "32", "--json", json.toString());
        }
        Map<?, ?> result = assertInstanceOf(Map.class, Json.parse(Files.readString(json)));
        for (Outcome o : Outcome.values()) {
            assertEquals((double) expected.get(o), Json.number(result, "outcomes." + o.key()),
                    o.label() + "; expected " + expected + "; printed:\n" + printed);
        }
        assertEquals((double) CASES, Json.number(result, "outcomes.cases"));
        Map<?, ?> hung = (Map<?, ?>) result.get("hung");
        assertEquals(java.util.Set.of(Long.toString(hang)), hung.keySet(), "the hung case, by index");
        assertTrue(printed.contains("#" + hang + " "), "the hung case is printed:\n" + printed);
        assertTrue(printed.contains(HexFormat.ofDelimiter(" ").formatHex(cases.caseAt(hang).packet())), printed);
    }

    @Test
    void onlyCaseReplaysOneCaseWithItsBytes() throws Exception {
        FuzzCases cases = new FuzzCases(SEED);
        long hang = afterConnectCase(cases, 10);
        FuzzCase c = cases.caseAt(hang);
        String printed;
        try (StubBroker stub = new StubBroker(FuzzCases.clientId(hang), "nobody")) {
            printed = bench(0, "fuzz", "--port", Integer.toString(stub.port()), "--seed", Long.toString(SEED),
                    "--only-case", Long.toString(hang), "--timeout-ms", "300");
        }
        HexFormat hex = HexFormat.ofDelimiter(" ");
        assertTrue(printed.contains("out CONNECT  " + hex.formatHex(c.connect())), printed);
        assertTrue(printed.contains("in           20 02 00 00"), printed);
        assertTrue(printed.contains("out packet   " + hex.formatHex(c.packet())), printed);
        assertTrue(printed.contains("outcome: hung"), printed);
    }

    @Test
    void anUnreachableBrokerIsExitCode1AndBadOptionsExitCode2() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        bench(1, "fuzz", "--port", Integer.toString(port), "--cases", "10");
        bench(2, "fuzz", "--concurrency", "0");
        bench(2, "fuzz", "--host", "192.0.2.1");
        bench(2, "fuzz", "--bogus", "1");
    }

    /** The first case from {@code from} on that follows a valid CONNECT and declares no more than the cap. */
    private static long afterConnectCase(FuzzCases cases, long from) {
        for (long i = from; ; i++) {
            FuzzCase c = cases.caseAt(i);
            if (c.afterConnect() && c.completion(FuzzOptions.CAP_BYTES).status() != Completion.Status.BEYOND_CAP) {
                return i;
            }
        }
    }

    /**
     * What {@link StubBroker} does with the bytes the command sends for a case: the packet, its padding, PINGREQ.
     * It closes at a packet starting 0x00 or with a five-byte length, answers the first PINGREQ it reaches, and
     * otherwise waits: hung, unless the packet declared more than the cap.
     */
    static Outcome predict(FuzzCase c) {
        Completion done = c.completion(FuzzOptions.CAP_BYTES);
        byte[] packet = c.packet();
        int padding = done.status() == Completion.Status.PADDED ? done.padding() : 0;
        byte[] sent = Arrays.copyOf(packet, packet.length + padding + 2);
        sent[sent.length - 2] = (byte) 0xC0;
        Outcome waiting = done.status() == Completion.Status.BEYOND_CAP ? Outcome.BEYOND_CAP : Outcome.HUNG;
        long at = 0;
        while (at < sent.length) {
            int first = sent[(int) at] & 0xFF;
            if (first == 0) {
                return Outcome.CLOSED;
            }
            long length = 0;
            int i = 0;
            while (true) {
                if (at + 1 + i >= sent.length) {
                    return waiting;
                }
                int b = sent[(int) (at + 1 + i)] & 0xFF;
                length |= (long) (b & 0x7F) << (7 * i++);
                if ((b & 0x80) == 0) {
                    break;
                }
                if (i == 4) {
                    return Outcome.CLOSED;
                }
            }
            long end = at + 1 + i + length;
            if (end > sent.length) {
                return waiting;
            }
            if (first == 0xC0) {
                return Outcome.ANSWERED;
            }
            at = end;
        }
        return waiting;
    }

    private static String bench(int exitCode, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(exitCode, exit, "exit code; stdout:\n" + printed + "\nstderr:\n" + err.toString(StandardCharsets.UTF_8));
        return printed;
    }
}

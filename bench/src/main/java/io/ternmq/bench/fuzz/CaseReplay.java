package io.ternmq.bench.fuzz;

import io.ternmq.fuzz.FuzzCase;
import io.ternmq.fuzz.FuzzCases;
import io.ternmq.fuzz.SeedCorpus;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HexFormat;

/** {@code --only-case INDEX}: one case of the seed, rebuilt alone and run, with every byte out and in. */
public final class CaseReplay {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private CaseReplay() {
    }

    public static CaseResult run(FuzzOptions options, PrintStream out) throws IOException, InterruptedException {
        FuzzCase c = new FuzzCases(options.seed()).caseAt(options.onlyCase());
        out.printf("case %d of seed %d: %s (%s), %s%n", c.index(), options.seed(), c.seed(),
                SeedCorpus.version(c.level()), c.afterConnect() ? "after a valid CONNECT" : "as the first packet");
        out.println("mutations: " + String.join("; ", c.mutations()));
        CaseResult r;
        try (FuzzRun run = new FuzzRun(options, out, () -> -1)) {
            r = run.runOne(c);
        }
        if (c.afterConnect()) {
            out.println("out CONNECT  " + HEX.formatHex(c.connect()));
            out.println("in           " + bytes(r.connectReply()));
        }
        if (r.outcome() != Outcome.REFUSED_CONNECT && r.outcome() != Outcome.CONNECT_FAILED) {
            out.println("out packet   " + HEX.formatHex(c.packet()));
            out.printf("out padding  %d zero bytes (%s; the packet declares %d bytes)%n", r.completion().padding(),
                    r.completion().status(), r.completion().declared());
            out.println("out PINGREQ  c0 00" + (r.allWritten() ? "" : "  (not all of it was written)"));
            out.println("in           " + bytes(r.caseReply()));
        }
        out.println("outcome: " + r.outcome().label() + (r.outcome() == Outcome.ANSWERED ? "" : " (" + r.last() + ")"));
        return r;
    }

    private static String bytes(byte[] b) {
        return b.length == 0 ? "nothing" : HEX.formatHex(b);
    }
}

package io.ternmq.fuzz;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A packet as a mutator left it, and what was done to it: one label per mutation, in the order applied, each
 * starting with its {@link MutationKind#label()}.
 */
public record MutatedPacket(byte[] bytes, List<String> labels) {

    @Override
    public boolean equals(Object o) {
        return o instanceof MutatedPacket m && Arrays.equals(bytes, m.bytes) && labels.equals(m.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + labels.hashCode();
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(" ").formatHex(bytes) + " " + labels;
    }
}

package io.ternmq.bench;

import java.util.Locale;

/** A value as the printed summaries show it: thousands separated, two decimals for fractions. */
public final class SummaryFormat {

    private SummaryFormat() {
    }

    public static String of(Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%,.2f", d);
        }
        if (v instanceof Long l) {
            return String.format(Locale.ROOT, "%,d", l);
        }
        return String.valueOf(v);
    }
}

package io.ternmq.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The console's size budget, checked by every build so it cannot grow unnoticed: every file it serves, gzipped,
 * under 500 KiB together (docs/console.md).
 */
class ConsoleBudgetTest {

    static final int BUDGET_BYTES = 500 * 1024;

    @Test
    void theWholeConsoleGzippedStaysUnderItsBudget() throws IOException {
        Map<String, byte[]> files = new ConsoleFiles().contents();
        assertEquals(Set.of("index.html", "console.js", "console.css", "uplot.js", "uplot.css"), files.keySet());
        long total = 0;
        StringBuilder sizes = new StringBuilder();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(f.getValue());
            }
            assertTrue(f.getValue().length > 0, f.getKey());
            total += out.size();
            sizes.append(f.getKey()).append(' ').append(out.size()).append(" B; ");
        }
        System.out.println("console gzipped: " + sizes + "total " + total + " B of " + BUDGET_BYTES);
        assertTrue(total < BUDGET_BYTES, "the console is " + total + " B gzipped, over its budget: " + sizes);
    }
}

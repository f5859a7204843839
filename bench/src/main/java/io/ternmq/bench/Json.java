package io.ternmq.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The results as JSON, through Jackson: an ordered map of numbers (decimals to three places; NaN and infinities,
 * which JSON has not, as null), strings, booleans and nested maps, written indented; and read back strictly, so
 * the comparison table can read two result files and a test can check that a result file is well-formed.
 */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    static String write(Map<String, ?> object) {
        return MAPPER.writeValueAsString(rounded(object)) + "\n";
    }

    private static Object rounded(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k.toString(), rounded(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(rounded(v)));
            return out;
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? null : BigDecimal.valueOf(d).setScale(3, RoundingMode.HALF_UP);
        }
        return value;
    }

    /** Parses a whole document; IllegalArgumentException saying where it stops being JSON. */
    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A number found by a dotted path such as "latency_ms.p99" in a parsed object; NaN when absent. */
    static double number(Object root, String path) {
        Object node = root;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return Double.NaN;
            }
            node = map.get(key);
        }
        return node instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}

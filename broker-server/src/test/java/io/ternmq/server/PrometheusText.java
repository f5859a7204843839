package io.ternmq.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parser of the Prometheus text exposition format 0.0.4 (metric name, optional {label="value",...} with the
 * format's escapes, a value that may be NaN or +Inf/-Inf, an optional timestamp; # HELP and # TYPE lines), so
 * tests read samples as data rather than matching strings. A line that does not parse fails the parse: the
 * broker's output must be valid exposition.
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    final List<Sample> samples;
    final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    types.put(parts[2], parts[3].strip());
                }
                continue;
            }
            samples.add(sample(line, lineNo));
        }
        return new PrometheusText(Collections.unmodifiableList(samples), types);
    }

    private static Sample sample(String line, int lineNo) {
        int i = 0;
        while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("line " + lineNo + ": no metric name: " + line);
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int start = i;
                while (isNameChar(line.charAt(i), i == start)) {
                    i++;
                }
                String label = line.substring(start, i);
                if (label.isEmpty() || line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
                    throw new IllegalArgumentException("line " + lineNo + ": bad label at " + i + ": " + line);
                }
                i += 2;
                StringBuilder value = new StringBuilder();
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i);
                    if (c == '\\') {
                        char next = line.charAt(++i);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new IllegalArgumentException("line " + lineNo + ": bad escape: " + line);
                        });
                    } else {
                        value.append(c);
                    }
                    i++;
                }
                i++;
                labels.put(label, value.toString());
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("line " + lineNo + ": no value: " + line);
        }
        String[] rest = line.substring(i + 1).strip().split(" ");
        if (rest.length > 2) {
            throw new IllegalArgumentException("line " + lineNo + ": trailing text: " + line);
        }
        return new Sample(name, Collections.unmodifiableMap(labels), number(rest[0], lineNo));
    }

    private static double number(String s, int lineNo) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + lineNo + ": not a number: " + s);
                }
            }
        };
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }

    /** The one sample with this name and exactly these labels; fails when there is none or more than one. */
    double value(String name, String... labelPairs) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(want)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + want + " in the scrape; of that name: "
                    + samples.stream().filter(s -> s.name().equals(name)).toList());
        }
        return found.get(0).value();
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> Objects.equals(s.name(), name));
    }
}

package io.ternmq.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Reads the YAML configuration file into raw values per key. The file is nested maps of scalars, e.g.
 * {@code limits:\n  max-connections: 5000}; anything else (unknown keys, lists, a map where a value belongs) is
 * refused here, before any value is parsed.
 */
final class YamlFile {

    private static final String ALLOWED_FILE = "a readable YAML file whose top level is a mapping of "
            + String.join(", ", ConfigKey.topLevelNames());

    private YamlFile() {
    }

    /** The raw value of every key the file sets, in file order. An empty file sets nothing. */
    static Map<ConfigKey<?>, String> read(Path file) {
        String name = file.toString();
        String source = "file " + name;
        Object root = loadYaml(file, name);
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw ConfigException.badFile(name, "the top level is " + describe(root) + ", not a mapping",
                    ALLOWED_FILE, null);
        }
        Map<ConfigKey<?>, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : top.entrySet()) {
            String topName = String.valueOf(entry.getKey());
            ConfigKey<?> key = ConfigKey.byName(topName);
            if (key != null && key.section().isEmpty()) {
                values.put(key, scalar(key, entry.getValue(), source));
            } else if (ConfigKey.isSection(topName)) {
                readSection(topName, entry.getValue(), source, values);
            } else {
                throw ConfigException.unknownKey(topName, String.valueOf(entry.getValue()),
                        "known top-level keys: " + String.join(", ", ConfigKey.topLevelNames()), source);
            }
        }
        return values;
    }

    private static void readSection(String section, Object body, String source, Map<ConfigKey<?>, String> values) {
        if (body == null) {
            return; // "limits:" with nothing under it sets nothing
        }
        List<ConfigKey<?>> keys = ConfigKey.inSection(section);
        if (!(body instanceof Map<?, ?> map)) {
            throw ConfigException.invalidValue(section, String.valueOf(body), "a section holding "
                    + String.join(", ", keys.stream().map(ConfigKey::leaf).toList()), source);
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String dotted = section + "." + entry.getKey();
            ConfigKey<?> key = ConfigKey.byName(dotted);
            if (key == null) {
                throw ConfigException.unknownKey(dotted, String.valueOf(entry.getValue()),
                        ConfigKey.knownKeysNear(dotted), source);
            }
            values.put(key, scalar(key, entry.getValue(), source));
        }
    }

    /** The raw text of a scalar; a map or list where a value belongs is refused. An empty value is "". */
    private static String scalar(ConfigKey<?> key, Object value, String source) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map || value instanceof List || value instanceof byte[]) {
            throw ConfigException.invalidValue(key.name(), String.valueOf(value),
                    "a single value, not " + describe(value) + ": " + key.allowed(), source);
        }
        return String.valueOf(value);
    }

    private static Object loadYaml(Path file, String name) {
        // Safe by construction: snakeyaml-engine builds only maps, lists and scalars, never arbitrary classes.
        // The JSON schema keeps YAML 1.1 surprises out: "yes"/"on" stay strings, 0x10 is not a number.
        LoadSettings settings = LoadSettings.builder()
                .setLabel(name)
                .setSchema(new JsonSchema())
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(10)
                .setCodePointLimit(1024 * 1024)
                .build();
        if (Files.isDirectory(file)) {
            throw ConfigException.badFile(name, "it is a directory", "a readable YAML file", null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new Load(settings).loadFromInputStream(in);
        } catch (NoSuchFileException e) {
            throw ConfigException.badFile(name, "file not found", "a readable YAML file", e);
        } catch (AccessDeniedException e) {
            throw ConfigException.badFile(name, "permission denied", "a readable YAML file", e);
        } catch (IOException e) {
            throw ConfigException.badFile(name, "cannot be read: " + e.getMessage(), "a readable YAML file", e);
        } catch (MarkedYamlEngineException e) {
            throw ConfigException.badFile(name, "invalid YAML: " + problem(e), "a YAML file", e);
        } catch (YamlEngineException e) {
            // The stream is read lazily, so I/O failures during parsing arrive wrapped.
            if (e.getCause() instanceof CharacterCodingException) {
                throw ConfigException.badFile(name, "not valid UTF-8 or UTF-16 text", "a YAML file", e);
            }
            if (e.getCause() instanceof IOException io) {
                throw ConfigException.badFile(name, "cannot be read: " + io.getMessage(), "a readable YAML file", e);
            }
            throw ConfigException.badFile(name, "invalid YAML: " + firstLine(e.getMessage()), "a YAML file", e);
        }
    }

    private static String problem(MarkedYamlEngineException e) {
        // snakeyaml-engine splits its sentence: context "expected a single document in the stream",
        // problem "but found another document"; put it back together on one line.
        String what = e.getContext() == null ? e.getProblem()
                : e.getProblem() == null ? e.getContext() : firstLine(e.getContext()) + ", " + firstLine(e.getProblem());
        String where = e.getProblemMark().or(e::getContextMark)
                .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
        return firstLine(what) + where;
    }

    private static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "unreadable document";
        }
        String line = text.strip();
        int end = line.indexOf('\n');
        return end < 0 ? line : line.substring(0, end).strip();
    }

    private static String describe(Object value) {
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        return value instanceof byte[] ? "binary data" : "a single value";
    }
}

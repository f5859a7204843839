package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * docs/openapi.yaml as a contract the server's answers are checked against: the path and method must be in it,
 * the status must be one it lists for them, and a JSON body must validate against the schema it gives (JSON
 * Schema 2020-12, as OpenAPI 3.1 uses it, through networknt's validator).
 */
final class OpenApiContract {

    static final Path FILE = Path.of("..", "docs", "openapi.yaml");
    private static final String IRI = "https://ternmq.invalid/openapi.json";
    private static OpenApiContract instance;

    final JsonNode document;
    private final SchemaRegistry registry;

    private OpenApiContract() {
        document = YAMLMapper.builder().build().readTree(FILE.toFile());
        String json = JsonMapper.builder().build().writeValueAsString(document);
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(Map.of(IRI, json)));
    }

    static synchronized OpenApiContract get() {
        if (instance == null) {
            instance = new OpenApiContract();
        }
        return instance;
    }

    /** "GET /api/v1/clients/{clientId}" and the rest, as the document lists them. */
    List<String> operations() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            for (String method : path.getValue().propertyNames()) {
                if (!method.equals("parameters")) {
                    out.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return out;
    }

    /** The documented template a concrete path falls under, or null. */
    String template(String path) {
        for (String template : document.get("paths").propertyNames()) {
            String regex = template.replaceAll("\\{[^/]+}", "[^/]+");
            if (path.matches(regex)) {
                return template;
            }
        }
        return null;
    }

    /** Fails the test unless this answer is one the document allows. */
    void check(String method, String path, int status, String contentType, JsonNode body) {
        String template = template(path);
        String op = template == null ? null : "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT);
        if (template == null || document.at(op).isMissingNode()) {
            // Outside the document: only the generic answers, 404 for a path and 405 for a method, as errors.
            assertEquals(template == null ? 404 : 405, status, method + " " + path + " is not in docs/openapi.yaml");
            validate("/components/schemas/Error", method, path, status, body);
            return;
        }
        String responsePointer = op + "/responses/" + status;
        JsonNode response = document.at(responsePointer);
        if (response.isMissingNode()) {
            fail(method + " " + path + " answered " + status + ", which docs/openapi.yaml does not list for it: "
                    + body);
        }
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").stringValue().substring(1);
            response = document.at(responsePointer);
        }
        if (body == null) {
            assertTrue(response.path("content").has("text/plain") && contentType.startsWith("text/plain"),
                    method + " " + path + ": a " + contentType + " answer where " + response.path("content")
                            .propertyNames() + " is documented");
            return;
        }
        assertTrue(contentType.startsWith("application/json"), method + " " + path + ": content type "
                + contentType);
        String schemaPointer = responsePointer + "/content/application~1json/schema";
        assertTrue(!document.at(schemaPointer).isMissingNode(), "no JSON schema for " + method + " " + template
                + " " + status);
        validate(schemaPointer, method, path, status, body);
    }

    private void validate(String schemaPointer, String method, String path, int status, JsonNode body) {
        assertNotNull(body, method + " " + path + " " + status + ": no JSON body");
        Schema schema = registry.getSchema(SchemaLocation.of(IRI + "#" + schemaPointer));
        List<Error> errors = schema.validate(body);
        if (!errors.isEmpty()) {
            fail(method + " " + path + " " + status + " does not match docs/openapi.yaml: " + errors + " in " + body);
        }
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

}

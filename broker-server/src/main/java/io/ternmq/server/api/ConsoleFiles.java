package io.ternmq.server.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The web console: a few static files built into the jar ({@code console/} on the class path, and uPlot from its
 * WebJar), read once at start and served without the token (the page asks for it and sends it to {@code /api/v1}
 * itself). {@code /} and {@code /console/} are the page; nothing else outside {@code /console/} is served.
 */
final class ConsoleFiles {

    /** The uPlot WebJar's version: the {@code uplot.version} property of the parent pom. */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    /** URL file name to class-path resource and content type. */
    private static final Map<String, String[]> FILES = Map.of(
            "index.html", new String[] {"console/index.html", "text/html; charset=utf-8"},
            "console.js", new String[] {"console/console.js", "text/javascript; charset=utf-8"},
            "console.css", new String[] {"console/console.css", "text/css; charset=utf-8"},
            "uplot.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uplot.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final Map<String, ApiResponse> files = new LinkedHashMap<>();

    ConsoleFiles() {
        FILES.forEach((name, where) -> files.put(name, new ApiResponse(HttpResponseStatus.OK, null,
                read(where[0]), where[1])));
    }

    /** The console's routes: none needs the token. */
    List<Route> routes() {
        ApiResponse index = files.get("index.html");
        return List.of(
                new Route(HttpMethod.GET, "/", false, r -> CompletableFuture.completedFuture(index)),
                new Route(HttpMethod.GET, "/console/", false, r -> CompletableFuture.completedFuture(index)),
                new Route(HttpMethod.GET, "/console/{file}", false, r -> {
                    ApiResponse file = files.get(r.pathParam(0));
                    if (file == null) {
                        throw ApiException.notFound("the console has no file " + r.pathParam(0));
                    }
                    return CompletableFuture.completedFuture(file);
                }));
    }

    /** What the console weighs: each file's name and its size in bytes as it is served. */
    Map<String, byte[]> contents() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((name, r) -> out.put(name, r.text().getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /** Whether a route template is the console's, not an operation of the API (docs/openapi.yaml). */
    static boolean isConsole(String template) {
        return template.equals("/") || template.startsWith("/console/");
    }

    private static String read(String resource) {
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the console file " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.ternmq.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Headless Firefox driven over WebDriver BiDi, the W3C protocol Firefox speaks on its own WebSocket: no geckodriver
 * (Debian does not package it, and nothing may be downloaded). Commands are JSON messages with an id; the answer
 * carries the same id. Enough of the protocol for the console's tests: navigate, evaluate a script, type keys,
 * take a screenshot.
 */
final class FirefoxBidi implements AutoCloseable {

    static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private WebSocket socket;
    private String context;

    private FirefoxBidi(Process process) {
        this.process = process;
    }

    /** Starts Firefox on a fresh profile in {@code profile}, with a viewport of the size given. */
    static FirefoxBidi start(Path profile, int width, int height) throws Exception {
        Files.createDirectories(profile);
        // a test profile: no first-run pages, no update or telemetry calls out
        Files.writeString(profile.resolve("user.js"), String.join("\n",
                "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
                "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");",
                "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
                "user_pref(\"toolkit.telemetry.reportingpolicy.firstRun\", false);",
                "user_pref(\"app.update.disabledForTesting\", true);",
                "user_pref(\"browser.aboutwelcome.enabled\", false);", ""));
        Process p = new ProcessBuilder(FIREFOX.toString(), "--headless", "--no-remote", "--profile",
                profile.toString(), "--remote-debugging-port=0", "about:blank").redirectErrorStream(true).start();
        FirefoxBidi firefox = new FirefoxBidi(p);
        try {
            firefox.connect(firefox.listeningAddress());
            firefox.send("session.new", Map.of("capabilities", Map.of()));
            JsonNode tree = firefox.send("browsingContext.getTree", Map.of());
            firefox.context = tree.get("contexts").get(0).get("context").stringValue();
            firefox.send("browsingContext.setViewport", Map.of("context", firefox.context,
                    "viewport", Map.of("width", width, "height", height)));
            return firefox;
        } catch (Exception | AssertionError e) {
            firefox.close();
            throw e;
        }
    }

    private URI listeningAddress() throws Exception {
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        address.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            address.complete(null);
        }, "firefox-output");
        reader.setDaemon(true);
        reader.start();
        String found = address.get(60, TimeUnit.SECONDS);
        if (found == null) {
            throw new AssertionError("Firefox ended without its WebDriver BiDi socket: " + output());
        }
        return URI.create(found + "/session");
    }

    private void connect(URI uri) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    JsonNode json = ApiClient.JSON.readTree(message.toString());
                    message.setLength(0);
                    JsonNode id = json.get("id");
                    CompletableFuture<JsonNode> waiting = id == null ? null : pending.remove(id.longValue());
                    if (waiting != null) {
                        waiting.complete(json);
                    }
                }
                ws.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
    }

    /** Sends a command and waits for its answer's {@code result}; an error answer fails the test with its message. */
    JsonNode send(String method, Object params) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = ApiClient.JSON.createObjectNode();
        command.put("id", id);
        command.put("method", method);
        command.set("params", ApiClient.JSON.valueToTree(params));
        socket.sendText(ApiClient.JSON.writeValueAsString(command), true).get(30, TimeUnit.SECONDS);
        JsonNode json;
        try {
            json = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(method + " had no answer in " + ANSWER + "; Firefox said: " + output());
        }
        if ("error".equals(json.path("type").stringValue(""))) {
            throw new AssertionError(method + " failed: " + json.path("error").stringValue("") + ": "
                    + json.path("message").stringValue(""));
        }
        return json.get("result");
    }

    void navigate(String url) throws Exception {
        send("browsingContext.navigate", Map.of("context", context, "url", url, "wait", "complete"));
    }

    /** Evaluates a script expression in the page (a promise is awaited); returns its value as text. */
    String evaluate(String expression) throws Exception {
        JsonNode r = send("script.evaluate", Map.of("expression", expression, "target", Map.of("context", context),
                "awaitPromise", true));
        if ("exception".equals(r.path("type").stringValue(""))) {
            throw new AssertionError("the page threw on " + expression + ": "
                    + r.path("exceptionDetails").path("text").stringValue(""));
        }
        JsonNode value = r.path("result").path("value");
        return value.isMissingNode() || value.isNull() ? null : value.isString() ? value.stringValue() : value.toString();
    }

    /** Waits until a script expression is true in the page; fails naming what it waited for. */
    void waitUntil(String expression, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!"true".equals(evaluate("!!(" + expression + ")"))) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + timeout + " in Firefox for " + expression);
            }
            Thread.sleep(100);
        }
    }

    /** Types on the keyboard into whatever has focus; {@code \uE007} is Enter and {@code \uE004} Tab. */
    void type(String keys) throws Exception {
        ArrayNode actions = ApiClient.JSON.createArrayNode();
        keys.codePoints().forEach(c -> {
            String key = new String(Character.toChars(c));
            actions.addObject().put("type", "keyDown").put("value", key);
            actions.addObject().put("type", "keyUp").put("value", key);
        });
        ObjectNode keyboard = ApiClient.JSON.createObjectNode().put("type", "key").put("id", "keyboard");
        keyboard.set("actions", actions);
        send("input.performActions", Map.of("context", context, "actions", new Object[] {keyboard}));
    }

    void screenshot(Path file) throws Exception {
        JsonNode r = send("browsingContext.captureScreenshot", Map.of("context", context));
        Files.write(file, Base64.getDecoder().decode(r.get("data").stringValue()));
    }

    private String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                send("session.end", Map.of());
            } catch (Exception | AssertionError e) {
                // ending anyway
            }
            socket.abort();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console of the jar, driven by headless Chromium from Debian's packages through /usr/bin/chromedriver
 * (Selenium downloads nothing): log in, see a Paho client in the Clients table, kick it, and a wrong token shows
 * the login again. Every test leaves a screenshot in target/console-screenshots.
 */
class ConsoleIT {

    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target/console-screenshots");

    @TempDir
    static Path dir;

    private static JarProcess broker;
    private static int mqttPort;
    private static String base;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(DRIVER) && Files.isExecutable(CHROMIUM),
                "SKIPPED: the console's browser tests need Debian's chromium and chromium-driver (test.sh installs them)");
        mqttPort = TestBroker.freePort();
        int http = TestBroker.freePort();
        broker = JarProcess.start(dir, Map.of(), "--tcp-port", Integer.toString(mqttPort), "--tls-port", "0",
                "--http-port", Integer.toString(http));
        assertTrue(broker.awaitLine("ternmq ready", 60_000), broker.output.toString());
        token = Files.readString(dir.resolve("data/admin-token")).strip();
        base = "http://127.0.0.1:" + http;
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static WebDriver browser() {
        return browser(new ChromeOptions().addArguments("--window-size=1280,800"));
    }

    /** A phone: Chromium's device emulation at 390x844 CSS pixels, the viewport meta tag applying. */
    private static WebDriver phone() {
        return browser(new ChromeOptions().addArguments("--window-size=390,844").setExperimentalOption(
                "mobileEmulation", Map.of("deviceMetrics", Map.of("width", 390, "height", 844, "pixelRatio", 2.0,
                        "touch", true))));
    }

    private static WebDriver browser(ChromeOptions options) {
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver driver, String name) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void logIn(WebDriver driver, WebDriverWait wait, String withToken) {
        driver.get(base + "/");
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.sendKeys(withToken);
        driver.findElement(By.cssSelector("#login button[type=submit]")).click();
    }

    /** A test's steps in a browser, with a wait of its own. */
    @FunctionalInterface
    private interface BrowserSteps {
        void run(WebDriver driver, WebDriverWait wait) throws Exception;
    }

    /** Runs the steps in the browser given, and quits it however they end. */
    private static void inBrowser(WebDriver driver, Duration timeout, BrowserSteps steps) throws Exception {
        try {
            steps.run(driver, new WebDriverWait(driver, timeout));
        } finally {
            driver.quit();
        }
    }

    /** Logs in with the admin token and waits for the Overview, the page a login lands on. */
    private static void loggedIn(WebDriver driver, WebDriverWait wait) {
        logIn(driver, wait, token);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview")));
    }

    @Test
    void logsInAndShowsTheOverview(TestInfo info) throws Exception {
        inBrowser(browser(), Duration.ofSeconds(10), (driver, wait) -> {
            loggedIn(driver, wait);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "Uptime"));
            assertFalse(driver.findElement(By.id("login")).isDisplayed(), "the login stays on the page");
            String facts = driver.findElement(By.id("facts")).getText();
            assertTrue(facts.contains("Connections by transport"), facts);
            // the chart is uPlot's canvas, drawn once two polls of /api/v1/stats gave a rate
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart .uplot canvas")));
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) driver).executeScript(
                    "return sessionStorage.getItem('ternmq.token') === arguments[0]", token));
            screenshot(driver, "overview");

            // The first view with its data, on loopback: a load of the page with the token in this tab's session
            // storage, to the Overview's facts filled from /api/v1/stats. Reported, not asserted (docs/performance.md).
            driver.get(base + "/");
            Object ms = ((JavascriptExecutor) driver).executeAsyncScript("var done = arguments[0];"
                    + "(function poll() { var f = document.getElementById('facts');"
                    + " if (f && f.textContent.indexOf('Uptime') >= 0) { done(performance.now()); }"
                    + " else { setTimeout(poll, 5); } })();");
            Files.writeString(SHOTS.resolve("first-view.txt"), "first view with data: " + ms + " ms\n");
            System.out.println("console first view with data: " + ms + " ms");
        });
    }

    @Test
    void isUsableFromTheKeyboardAlone() throws Exception {
        inBrowser(browser(), Duration.ofSeconds(10), (driver, wait) -> {
            driver.get(base + "/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
            assertEquals("token", driver.switchTo().activeElement().getAttribute("id"), "the token field has focus");
            new Actions(driver).sendKeys(token).sendKeys(Keys.ENTER).perform();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "Uptime"));
            // Tab through the navigation to Clients and open it with Enter
            String page = null;
            for (int i = 0; i < 10 && !"clients".equals(page); i++) {
                new Actions(driver).sendKeys(Keys.TAB).perform();
                page = driver.switchTo().activeElement().getAttribute("data-page");
            }
            assertEquals("clients", page, "Tab did not reach the Clients link");
            new Actions(driver).sendKeys(Keys.ENTER).perform();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("clients")));
            // and the search field is reachable from there
            String focused = null;
            for (int i = 0; i < 10 && !"client-prefix".equals(focused); i++) {
                new Actions(driver).sendKeys(Keys.TAB).perform();
                focused = driver.switchTo().activeElement().getAttribute("id");
            }
            assertEquals("client-prefix", focused);
            screenshot(driver, "keyboard");
        });
    }

    @Test
    void fitsAPhoneWidthScreen() throws Exception {
        MqttClient paho = new MqttClient("tcp://127.0.0.1:" + mqttPort, "console-phone-with-a-long-client-id",
                new MemoryPersistence());
        paho.connect();
        WebDriver driver = phone();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            loggedIn(driver, wait);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "Uptime"));
            JavascriptExecutor js = (JavascriptExecutor) driver;
            assertEquals(390L, js.executeScript("return window.innerWidth"), () -> "wider than the phone: "
                    + js.executeScript("return Array.from(document.querySelectorAll('body *')).filter(function (e) {"
                    + " return e.getBoundingClientRect().right > 390; }).map(function (e) {"
                    + " return e.tagName + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right); }).join(', ')"));
            String overflow = "return document.documentElement.scrollWidth - window.innerWidth";
            assertEquals(0L, js.executeScript(overflow), "the Overview is wider than the phone");
            screenshot(driver, "phone-overview");
            driver.findElement(By.cssSelector("a[data-page=clients]")).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.linkText("console-phone-with-a-long-client-id")));
            assertEquals(0L, js.executeScript(overflow), "the Clients page is wider than the phone");
            screenshot(driver, "phone-clients");
            driver.findElement(By.cssSelector("a[data-page=trace]")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("trace-form")));
            assertEquals(0L, js.executeScript(overflow), "the Trace page is wider than the phone");
        } finally {
            driver.quit();
            paho.disconnect();
            paho.close();
        }
    }

    @Test
    void topicsShowWhoSubscribesAndWhichSessionsATopicReaches() throws Exception {
        MqttClient first = new MqttClient("tcp://127.0.0.1:" + mqttPort, "console-subs-1", new MemoryPersistence());
        MqttClient second = new MqttClient("tcp://127.0.0.1:" + mqttPort, "console-subs-2", new MemoryPersistence());
        first.connect();
        second.connect();
        first.subscribe(new String[] {"site/+/temp", "site/#"}, new int[] {1, 0});
        second.subscribe("site/hall/temp", 1);
        WebDriver driver = browser();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            loggedIn(driver, wait);
            driver.findElement(By.cssSelector("a[data-page=topics]")).click();
            driver.findElement(By.id("match-topic")).sendKeys("site/kitchen/temp");
            driver.findElement(By.cssSelector("#match-form button")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("match-result"),
                    "site/kitchen/temp reaches 1 session(s) through 2 subscription(s)"));
            String reached = driver.findElement(By.id("match-rows")).getText();
            assertTrue(reached.contains("console-subs-1") && !reached.contains("console-subs-2"), reached);
            assertTrue(reached.contains("site/+/temp") && reached.contains("site/#"), "the filters that matched: "
                    + reached);

            driver.findElement(By.id("subs-filter")).sendKeys("site/hall/temp");
            driver.findElement(By.cssSelector("#subscriptions-form button")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("all-subscription-rows"),
                    "console-subs-2"));
            String subscribers = driver.findElement(By.id("all-subscription-rows")).getText();
            assertFalse(subscribers.contains("console-subs-1"), subscribers);
            driver.findElement(By.id("subs-filter")).clear();
            driver.findElement(By.id("subs-client")).sendKeys("console-subs-1");
            driver.findElement(By.cssSelector("#subscriptions-form button")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("all-subscription-rows"), "site/#"));
            subscribers = driver.findElement(By.id("all-subscription-rows")).getText();
            assertTrue(subscribers.contains("site/+/temp") && !subscribers.contains("console-subs-2"), subscribers);
            assertEquals(2, driver.findElements(By.cssSelector("#all-subscription-rows tr")).size());

            // a topic that reaches both: the table follows as the second client leaves
            driver.findElement(By.id("match-topic")).clear();
            driver.findElement(By.id("match-topic")).sendKeys("site/hall/temp");
            driver.findElement(By.cssSelector("#match-form button")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("match-result"),
                    "reaches 2 session(s) through 3 subscription(s)"));
            screenshot(driver, "topics");
            second.disconnect();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("match-result"),
                    "reaches 1 session(s) through 2 subscription(s)"));

            driver.findElement(By.id("match-topic")).clear();
            driver.findElement(By.id("match-topic")).sendKeys("site/#");
            driver.findElement(By.cssSelector("#match-form button")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"), "match"));
        } finally {
            driver.quit();
            first.disconnect();
            first.close();
            second.close();
        }
    }

    @Test
    void devicesListTheirProductsAndKeepWhatMoreLoaded() throws Exception {
        String pk = "a1many";
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            csv.append(String.format("dev-%03d%n", i));
        }
        ApiClient api = new ApiClient(base, token);
        assertEquals(200, api.send("POST", "/api/v1/products/" + pk + "/devices:import", csv.toString(),
                "text/csv").status());
        inBrowser(browser(), Duration.ofSeconds(10), (driver, wait) -> {
            loggedIn(driver, wait);
            driver.findElement(By.cssSelector("a[data-page=devices]")).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//p[@id='products']/button[.='" + pk + "']")))
                    .click();
            By rows = By.cssSelector("#device-rows tr");
            wait.until(ExpectedConditions.numberOfElementsToBe(rows, 50));
            driver.findElement(By.id("more-devices")).click();
            wait.until(ExpectedConditions.numberOfElementsToBe(rows, 60));
            assertFalse(driver.findElement(By.id("more-devices")).isDisplayed(), "all 60 are shown");
            // the 2 s refresh rebuilds the table (its old rows go stale) and keeps all 60
            WebElement before = driver.findElement(rows);
            wait.until(ExpectedConditions.stalenessOf(before));
            wait.until(ExpectedConditions.numberOfElementsToBe(rows, 60));
            assertEquals("dev-059", driver.findElements(rows).get(59).findElement(By.tagName("td")).getText());

            // import from a CSV file chosen in the form; disable one, then delete it after the confirmation
            Path file = dir.resolve("more-devices.csv");
            Files.writeString(file, "imp-001,secret-imp-001\ndev-000\n");
            driver.findElement(By.id("import-file")).sendKeys(file.toString());
            driver.findElement(By.cssSelector("#import-form button")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("import-result"),
                    "Imported 1 devices; skipped (they exist): dev-000"));
            assertEquals(200, api.get("/api/v1/products/" + pk + "/devices/imp-001").status());
            By dev000 = By.cssSelector("#device-rows tr[data-device='dev-000']");
            driver.findElement(dev000).findElement(By.xpath(".//button[.='Disable']")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(dev000, "DISABLED"));
            assertFalse(api.get("/api/v1/products/" + pk + "/devices/dev-000").json().get("enabled").booleanValue());
            driver.findElement(dev000).findElement(By.xpath(".//button[.='Delete']")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.numberOfElementsToBe(dev000, 0));
            assertEquals(404, api.get("/api/v1/products/" + pk + "/devices/dev-000").status());
            screenshot(driver, "devices-managed");
        });
    }

    @Test
    void aConnectedPahoClientAppearsAndKickCloses() throws Exception {
        MqttClient paho = new MqttClient("tcp://127.0.0.1:" + mqttPort, "console-paho", new MemoryPersistence());
        CountDownLatch lost = new CountDownLatch(1);
        paho.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken t) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setAutomaticReconnect(false);
        paho.connect(options);
        paho.subscribe("console/lamp/#", 1);
        WebDriver driver = browser();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            loggedIn(driver, wait);
            driver.findElement(By.cssSelector("a[data-page=clients]")).click();
            // within 5 s of the page opening (it polls every 2 s)
            WebElement link = new WebDriverWait(driver, Duration.ofSeconds(5)).until(
                    ExpectedConditions.elementToBeClickable(By.linkText("console-paho")));
            String row = driver.findElement(By.id("client-rows")).getText();
            assertTrue(row.contains("tcp") && row.contains("3.1.1"), row);
            screenshot(driver, "clients");
            link.click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("subscription-rows"),
                    "console/lamp/#"));
            screenshot(driver, "client");
            driver.findElement(By.id("kick")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            assertTrue(lost.await(5, TimeUnit.SECONDS), "Kick did not close the Paho client");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("clients")));
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.linkText("console-paho")));
            assertFalse(paho.isConnected());
        } finally {
            driver.quit();
            paho.close(true);
        }
    }

    @Test
    void aDeviceCreatedInTheConsoleSignsInIsTracedAndAnswersRrpc() throws Exception {
        String pk = "a1console";
        inBrowser(browser(), Duration.ofSeconds(10), (driver, wait) -> {
            loggedIn(driver, wait);
            driver.findElement(By.cssSelector("a[data-page=devices]")).click();
            driver.findElement(By.id("product-key")).sendKeys(pk);
            driver.findElement(By.id("new-device")).sendKeys("lamp-7");
            driver.findElement(By.cssSelector("#create-device button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("created")));
            String secret = driver.findElement(By.id("created-secret")).getText();
            assertTrue(secret.length() >= 16, secret);
            assertEquals("lamp-7&" + pk, driver.findElement(By.id("link-user")).getText());
            screenshot(driver, "device-created");

            // a Paho 5 device signs in with the secret the page showed
            LinkDevice device = new LinkDevice(pk, "lamp-7", secret);
            try (Paho5 paho = Paho5.connect("tcp://127.0.0.1:" + mqttPort,
                    device.clientId("lamp-7-c", 3, "hmacsha256", "1700000000000"),
                    device.options5("lamp-7-c", "hmacsha256"))) {
                paho.paho.subscribe("/sys/" + pk + "/lamp-7/rrpc/request/+", 0);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("device-rows"), "ONLINE"));
                assertFalse(driver.findElement(By.id("login")).isDisplayed(), "the login stays on the page");
                screenshot(driver, "devices");

                // trace its topics, and see its PUBLISH with the user properties in full
                driver.findElement(By.cssSelector("a[data-page=trace]")).click();
                driver.findElement(By.id("trace-topic")).sendKeys("/" + pk + "/lamp-7/#");
                driver.findElement(By.cssSelector("#trace-form button[type=submit]")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("trace-state"),
                        "/" + pk + "/lamp-7/#"));
                org.eclipse.paho.mqttv5.common.packet.MqttProperties props =
                        new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
                props.setUserProperties(List.of(new org.eclipse.paho.mqttv5.common.packet.UserProperty("unit",
                        "celsius"), new org.eclipse.paho.mqttv5.common.packet.UserProperty("room", "kitchen")));
                props.setContentType("application/json");
                paho.publish("/" + pk + "/lamp-7/user/update", "{\"t\": 21}", 1, props);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("trace-rows"),
                        "unit=celsius, room=kitchen"));
                String traced = driver.findElement(By.id("trace-rows")).getText();
                assertTrue(traced.contains("PUBLISH") && traced.contains("/" + pk + "/lamp-7/user/update")
                        && traced.contains("application/json"), traced);
                screenshot(driver, "trace");

                // call it by RRPC from the Tools page; the device answers "re:" and the request
                driver.findElement(By.cssSelector("a[data-page=tools]")).click();
                driver.findElement(By.id("rrpc-pk")).sendKeys(pk);
                driver.findElement(By.id("rrpc-dn")).sendKeys("lamp-7");
                driver.findElement(By.id("rrpc-request")).sendKeys("ping");
                driver.findElement(By.cssSelector("#rrpc-form button")).click();
                Paho5.Received request = paho.nextOrNull(10_000);
                assertTrue(request != null && request.topic().startsWith("/sys/" + pk + "/lamp-7/rrpc/request/"),
                        String.valueOf(request));
                paho.publish(request.topic().replace("/rrpc/request/", "/rrpc/response/"),
                        "re:" + new String(request.message().getPayload(), StandardCharsets.UTF_8), 0, null);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rrpc-result"), "SUCCESS"));
                assertTrue(driver.findElement(By.id("rrpc-result")).getText().contains("re:ping"),
                        driver.findElement(By.id("rrpc-result")).getText());
                screenshot(driver, "tools-rrpc");
            }
        });
    }

    @Test
    void anApiErrorIsShownAsItsMessage() throws Exception {
        inBrowser(browser(), Duration.ofSeconds(10), (driver, wait) -> {
            loggedIn(driver, wait);
            driver.findElement(By.cssSelector("a[data-page=tools]")).click();
            driver.findElement(By.id("pub-topic")).sendKeys("a/+/b");
            driver.findElement(By.cssSelector("#publish-form button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
            String shown = driver.findElement(By.id("error")).getText();
            assertTrue(shown.contains("topic"), shown);
            screenshot(driver, "api-error");
        });
    }

    @Test
    void aWrongTokenShowsTheLoginAgain() throws Exception {
        inBrowser(browser(), Duration.ofSeconds(15), (driver, wait) -> {
            logIn(driver, wait, "not-the-token");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"), "The token was refused"));
            assertTrue(driver.findElement(By.id("login")).isDisplayed());
            assertFalse(driver.findElement(By.id("overview")).isDisplayed());
            screenshot(driver, "wrong-token");
        });
    }

    /** The same console in Firefox: log in from the keyboard, the chart, a Paho client listed, a wrong token. */
    @Test
    void worksInFirefox() throws Exception {
        assumeTrue(Files.isExecutable(FirefoxBidi.FIREFOX),
                "SKIPPED: the Firefox browser test needs Debian's firefox-esr (test.sh installs it)");
        MqttClient paho = new MqttClient("tcp://127.0.0.1:" + mqttPort, "console-firefox", new MemoryPersistence());
        paho.connect();
        try (FirefoxBidi firefox = FirefoxBidi.start(dir.resolve("firefox-profile"), 1280, 800)) {
            Duration wait = Duration.ofSeconds(15);
            firefox.navigate(base + "/");
            firefox.waitUntil("document.activeElement && document.activeElement.id === 'token'", wait);
            firefox.type(token + "\uE007");
            firefox.waitUntil("document.getElementById('facts').textContent.indexOf('Uptime') >= 0", wait);
            firefox.waitUntil("document.querySelector('#chart .uplot canvas')", wait);
            assertEquals(token, firefox.evaluate("sessionStorage.getItem('ternmq.token')"));
            firefox.screenshot(SHOTS.resolve("firefox-overview.png"));

            firefox.evaluate("document.querySelector('a[data-page=clients]').click()");
            firefox.waitUntil("document.getElementById('client-rows').textContent.indexOf('console-firefox') >= 0",
                    Duration.ofSeconds(5));
            String row = firefox.evaluate("document.getElementById('client-rows').textContent");
            assertTrue(row.contains("tcp") && row.contains("3.1.1"), row);
            firefox.screenshot(SHOTS.resolve("firefox-clients.png"));

            firefox.evaluate("sessionStorage.setItem('ternmq.token', 'not-the-token'); location.hash = '#/overview'");
            firefox.waitUntil("!document.getElementById('login').hidden"
                    + " && document.getElementById('error').textContent.indexOf('The token was refused') >= 0", wait);
        } finally {
            paho.disconnect();
            paho.close();
        }
    }

    @Test
    void servesTheConsoleAtBothPathsAndNothingElse() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        for (String path : new String[] {"/", "/console/"}) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
            assertEquals("text/html; charset=utf-8", r.headers().firstValue("content-type").orElse(""), path);
            assertTrue(r.body().contains("<title>ternmq console</title>"), path);
        }
        // gzip for a client that asks, the same bytes once inflated
        var plain = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/uplot.js"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        var gzipped = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/uplot.js"))
                .header("Accept-Encoding", "gzip").build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(plain.headers().firstValue("content-encoding").isEmpty());
        assertEquals("gzip", gzipped.headers().firstValue("content-encoding").orElse(""));
        assertTrue(gzipped.body().length * 2 < plain.body().length, gzipped.body().length + " of " + plain.body().length);
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
            assertArrayEquals(plain.body(), in.readAllBytes());
        }
        var missing = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/x.js"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("the console has no file x.js"), missing.body());
    }
}

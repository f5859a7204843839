package io.ternmq.server;

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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800");
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

    @Test
    void logsInAndShowsTheOverview(TestInfo info) throws Exception {
        WebDriver driver = browser();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            logIn(driver, wait, token);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "Uptime"));
            assertFalse(driver.findElement(By.id("login")).isDisplayed(), "the login stays on the page");
            String facts = driver.findElement(By.id("facts")).getText();
            assertTrue(facts.contains("Connections by transport"), facts);
            // the chart is uPlot's canvas, drawn once two polls of /api/v1/stats gave a rate
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart .uplot canvas")));
            assertEquals(Boolean.TRUE, ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                    "return sessionStorage.getItem('ternmq.token') === arguments[0]", token));
            screenshot(driver, "overview");
        } finally {
            driver.quit();
        }
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
            logIn(driver, wait, token);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview")));
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
        WebDriver driver = browser();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            logIn(driver, wait, token);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview")));
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
        } finally {
            driver.quit();
        }
    }

    @Test
    void anApiErrorIsShownAsItsMessage() throws Exception {
        WebDriver driver = browser();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            logIn(driver, wait, token);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overview")));
            driver.findElement(By.cssSelector("a[data-page=tools]")).click();
            driver.findElement(By.id("pub-topic")).sendKeys("a/+/b");
            driver.findElement(By.cssSelector("#publish-form button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
            String shown = driver.findElement(By.id("error")).getText();
            assertTrue(shown.contains("topic"), shown);
            screenshot(driver, "api-error");
        } finally {
            driver.quit();
        }
    }

    @Test
    void aWrongTokenShowsTheLoginAgain() throws Exception {
        WebDriver driver = browser();
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
            logIn(driver, wait, "not-the-token");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"), "The token was refused"));
            assertTrue(driver.findElement(By.id("login")).isDisplayed());
            assertFalse(driver.findElement(By.id("overview")).isDisplayed());
            screenshot(driver, "wrong-token");
        } finally {
            driver.quit();
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
        var missing = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/x.js"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("the console has no file x.js"), missing.body());
    }
}

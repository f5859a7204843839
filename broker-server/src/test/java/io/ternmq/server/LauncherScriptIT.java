package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/ternmq, the launcher: the heap it picks (TERNMQ_HEAP, else the container's memory limit, else a fixed
 * size, never a share of the host), and that its options reach the JVM of a broker it starts.
 */
class LauncherScriptIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).getParent().resolve("bin/ternmq");

    @TempDir
    Path dir;

    /** The command the launcher would run, one word a line (TERNMQ_LAUNCHER_PRINT=1). */
    private List<String> command(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().put("TERNMQ_LAUNCHER_PRINT", "1");
        b.environment().put("TERNMQ_CGROUP_ROOT", dir.resolve("no-cgroup").toString());
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private Path cgroup(String file, String value) throws IOException {
        Path root = Files.createDirectories(dir.resolve("cgroup-" + file.replace('/', '-')));
        Files.createDirectories(root.resolve(file).getParent());
        Files.writeString(root.resolve(file), value + "\n");
        return root;
    }

    @Test
    void theHeapComesFromTheSettingOrTheContainersLimitNeverFromTheHost() throws Exception {
        assertTrue(command(Map.of()).contains("-Xmx512m"), "no limit, no setting: a fixed 512m");
        assertTrue(command(Map.of("TERNMQ_HEAP", "1g")).contains("-Xmx1g"));
        Path v2 = cgroup("memory.max", "536870912");
        assertTrue(command(Map.of("TERNMQ_CGROUP_ROOT", v2.toString())).contains("-Xmx256m"),
                "cgroup v2 memory.max 512 MiB: half of it");
        Path v1 = cgroup("memory/memory.limit_in_bytes", "1073741824");
        assertTrue(command(Map.of("TERNMQ_CGROUP_ROOT", v1.toString(), "TERNMQ_HEAP_PERCENT", "25"))
                .contains("-Xmx256m"), "cgroup v1 1 GiB at 25 %");
        Path unlimited = cgroup("memory.max", "max");
        assertTrue(command(Map.of("TERNMQ_CGROUP_ROOT", unlimited.toString())).contains("-Xmx512m"),
                "memory.max 'max' is no limit");
        List<String> both = command(Map.of("TERNMQ_CGROUP_ROOT", v2.toString(), "TERNMQ_HEAP", "64m"));
        assertTrue(both.contains("-Xmx64m") && !both.contains("-Xmx256m"), "the setting wins: " + both);
        List<String> passed = command(Map.of("TERNMQ_JAVA_OPTS", "-Dx=1 -Xmx99m"), "--tcp-port", "5");
        assertEquals(List.of("-jar", JarProcess.jar().toRealPath().toString(), "--tcp-port", "5"),
                passed.subList(passed.size() - 4, passed.size()), "the jar of the checkout, the arguments passed on");
        assertTrue(passed.indexOf("-Xmx99m") > passed.indexOf("-Xmx512m"), "TERNMQ_JAVA_OPTS comes last, so it wins");
    }

    @Test
    void aBadHeapSettingIsRefusedWithItsName() throws Exception {
        ProcessBuilder b = new ProcessBuilder("bash", LAUNCHER.toString()).redirectErrorStream(true);
        b.environment().put("TERNMQ_HEAP", "lots");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(out.contains("TERNMQ_HEAP=lots"), out);
    }

    @Test
    void theOptionsReachTheBrokersJvmAndAContainerLimitIsHonoured() throws Exception {
        Path limit = cgroup("memory.max", "402653184"); // 384 MiB: a 192 MiB heap
        int port = TestBroker.freePort();
        ProcessBuilder b = new ProcessBuilder("bash", LAUNCHER.toString(), "--data-dir", dir.resolve("data").toString(),
                "--tcp-port", Integer.toString(port), "--tls-port", "0", "--quic-port", "0", "--http-port", "0")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        b.environment().put("TERNMQ_CGROUP_ROOT", limit.toString());
        b.environment().put("TERNMQ_JAR", JarProcess.jar().toString()); // the launcher's own variable: not refused
        Process broker = b.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("out.log")).contains("ternmq ready")) {
                assertTrue(broker.isAlive() && System.nanoTime() < deadline, Files.readString(dir.resolve("out.log")));
                Thread.sleep(100);
            }
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(broker.pid()), "VM.flags").redirectErrorStream(true).start();
            String flags = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jcmd.waitFor(30, TimeUnit.SECONDS));
            assertTrue(flags.contains("-XX:MaxHeapSize=201326592"), "192 MiB, half the container's limit: " + flags);
            assertTrue(flags.contains("-XX:+UseG1GC"), "the launcher's collector: " + flags);
            assertTrue(flags.contains("-XX:+ExitOnOutOfMemoryError"), flags);
            assertTrue(!flags.contains("HeapDumpOnOutOfMemoryError"), "no heap dump unless asked: " + flags);
        } finally {
            broker.destroy();
            assertTrue(broker.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(0, broker.exitValue(), "SIGTERM through the launcher drains and exits 0");
    }
}

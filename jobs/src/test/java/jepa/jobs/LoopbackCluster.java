package jepa.jobs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests, as submit/local-cluster starts one: a Master and N one-core
 * Workers as separate JVMs, from this JVM's classpath (a SPARK_HOME holding jars/ and an empty RELEASE file), so
 * executors are separate JVMs too. The class folders (target/classes) reach executors via extraClassPath().
 */
final class LoopbackCluster implements AutoCloseable {
    /** The --add-opens flags Spark needs on Java 17, also for executors. */
    static final String OPENS = String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")).toList());

    private final Path home;
    private final int port;
    private final String classDirs;
    private final List<Process> daemons = new ArrayList<>();

    private LoopbackCluster(Path home, int port, String classDirs) {
        this.home = home;
        this.port = port;
        this.classDirs = classDirs;
    }

    static LoopbackCluster start(Path home, int workers) throws IOException, InterruptedException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(home.resolve("work"));
        Files.writeString(home.resolve("RELEASE"), "");
        // INFO logs for the daemons (the test classpath's log4j2 config says WARN): registration is read from them
        Files.writeString(home.resolve("log4j2.properties"), "rootLogger.level = info\nrootLogger.appenderRef.stdout.ref = console\n"
                + "appender.console.type = Console\nappender.console.name = console\nappender.console.layout.type = PatternLayout\n"
                + "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n\n");
        List<String> dirs = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) dirs.add(p.toAbsolutePath().toString());
            else if (e.endsWith(".jar") && Files.exists(p) && !Files.exists(jars.resolve(p.getFileName())))
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        LoopbackCluster c = new LoopbackCluster(home, port, String.join(File.pathSeparator, dirs));
        c.daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0");
        for (int i = 1; i <= workers; i++)
            c.daemon("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "3g",
                    "--webui-port", "0", "--work-dir", home.resolve("work").toString(), c.master());
        for (int t = 0; t < 120 && c.registered() < workers; t++) Thread.sleep(500);
        if (c.registered() < workers) {
            c.close();
            StringBuilder logs = new StringBuilder();
            try (var files = Files.list(home.resolve("logs"))) {
                for (Path f : files.sorted().toList()) logs.append("\n== ").append(f.getFileName()).append('\n').append(tail(Files.readString(f)));
            }
            throw new IllegalStateException("workers did not register with the master within 60 s (classpath " + System.getProperty("java.class.path").length()
                    + " chars, " + dirsCount(c.classDirs) + " class folders):" + logs);
        }
        return c;
    }

    private void daemon(String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(OPENS.split(" ")));
        cmd.addAll(List.of("-Xmx256m", "-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties"), "-cp", home.resolve("jars") + File.separator + "*" + File.pathSeparator + classDirs, main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.resolve("logs").resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        daemons.add(pb.start());
    }

    private int registered() throws IOException {
        int n = 0;
        try (var files = Files.list(home.resolve("logs"))) {
            for (Path f : files.toList())
                if (f.getFileName().toString().startsWith("worker-") && Files.readString(f).contains("Successfully registered with master")) n++;
        }
        return n;
    }

    private static String tail(String s) { return s.length() > 1500 ? s.substring(s.length() - 1500) : s; }

    private static int dirsCount(String dirs) { return dirs.isEmpty() ? 0 : dirs.split(File.pathSeparator).length; }

    String master() { return "spark://127.0.0.1:" + port; }

    /** Class folders of this JVM's classpath: executors get them as spark.executor.extraClassPath. */
    String extraClassPath() { return classDirs; }

    /** The JVM of the application's executor with this id, if running. */
    Optional<ProcessHandle> executor(String appId, String executorId) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")
                && c.contains("--app-id " + appId) && c.contains("--executor-id " + executorId + " ")).orElse(false)).findFirst();
    }

    @Override
    public void close() {
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        for (Process p : daemons) p.destroyForcibly();
        for (Process p : daemons) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

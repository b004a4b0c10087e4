package dev.fastmcp.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code main} run in a JVM of its own, for what happens once per process (which logging backend a library picks,
 * what SLF4J finds on the class path, the environment of the process): its standard error is collected line by
 * line, its standard output discarded. {@link #close()} kills it.
 */
public final class ChildJvm implements AutoCloseable {

    /** The lines java.util.logging's console handler writes under the line with the date and the source. */
    public static final Pattern JUL_LINE = Pattern.compile("^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): .*");

    private final Process process;
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    stderr.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "child-jvm-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** This JVM's class path, without the entries {@code leaveOut} matches (such as an SLF4J backend). */
    public static String classPath(Predicate<String> leaveOut) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(leaveOut.negate())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** This JVM's class path. */
    public static String classPath() {
        return System.getProperty("java.class.path");
    }

    /**
     * Runs {@code mainClass} with {@code args} on {@code classPath}, with {@code jvmOptions} and {@code env} added to
     * this process's environment.
     */
    public static ChildJvm start(String classPath, List<String> jvmOptions, Map<String, String> env,
            Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        return new ChildJvm(builder.start());
    }

    /** Waits until a line of standard error matches {@code line}; fails when the process ends or time is up first. */
    public String await(Pattern line, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String l : stderr) {
                if (line.matcher(l).find()) {
                    return l;
                }
            }
            if (!process.isAlive()) {
                Thread.sleep(200); // the last lines
                if (stderr.stream().noneMatch(l -> line.matcher(l).find())) {
                    throw new AssertionError("the process ended without a line matching " + line + ": " + stderr);
                }
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("no line matching " + line + " within " + seconds + " s: " + stderr);
            } else {
                Thread.sleep(50);
            }
        }
    }

    /** The lines of standard error so far. */
    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** The lines of standard error in java.util.logging's format. */
    public List<String> julLines() {
        return stderr.stream().filter(l -> JUL_LINE.matcher(l).matches()).toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}

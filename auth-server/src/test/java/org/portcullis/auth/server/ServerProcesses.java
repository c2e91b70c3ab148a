package org.portcullis.auth.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's {@code main} run as separate JVMs in one working directory, as an operator runs
 * the jar: a server that is started and waited for until it says where it listens, or one admin
 * command run to its end. Each output goes to a file (a pipe may lose its last lines when the
 * process dies). {@link #close()} kills whatever is still running.
 */
final class ServerProcesses implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Portcullis listening on (http://\\S+)");

    /** Exit status of a JVM ended by SIGKILL: 128 + 9, as the JDK reports a death by signal on Linux. */
    static final int KILLED_BY_SIGKILL = 137;

    private final Path dir;
    private final Map<String, String> env;
    private final List<Process> processes = new ArrayList<>();
    private int logs;

    /** Processes in {@code dir}, each with {@code env} added to this JVM's environment. */
    ServerProcesses(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = Map.copyOf(env);
    }

    /** A running server process, and the file its output goes to. */
    record Running(Process process, URI uri, Path log) {
        List<String> output() {
            try {
                return Files.readAllLines(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String outputText() {
            return String.join("\n", output());
        }
    }

    /** One command of the jar's main run to its end: exit code and everything it printed. */
    record Ran(int exit, String output) {
    }

    private ProcessBuilder java(Path log, Map<String, String> extraEnv, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PortcullisServer.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> all = new HashMap<>(env);
        all.putAll(extraEnv);
        pb.environment().putAll(all);
        return pb;
    }

    /** Starts a server on a free loopback port and waits until it says where it listens. */
    Running start(String name) throws IOException, InterruptedException {
        return start(name, Map.of());
    }

    /** Starts a server with {@code extraEnv} added, on a free loopback port, and waits until it listens. */
    Running start(String name, Map<String, String> extraEnv) throws IOException, InterruptedException {
        return start(name, extraEnv, null, () -> { });
    }

    /**
     * Starts a server with {@code extraEnv} added, on a free loopback port; once its output has a
     * line matching {@code meanwhile} (when not null) runs {@code then}, and waits until it listens.
     */
    Running start(String name, Map<String, String> extraEnv, Pattern meanwhile, Runnable then)
            throws IOException, InterruptedException {
        Path log = dir.resolve(name + "-" + (++logs) + ".log");
        Map<String, String> serverEnv = new HashMap<>(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1",
                "PORTCULLIS_THREADS", "2"));
        serverEnv.putAll(extraEnv);
        ProcessBuilder pb = java(log, serverEnv, List.of());
        Process p = pb.start();
        processes.add(p);
        if (meanwhile != null) {
            awaitLine(p, log, meanwhile);
            then.run();
        }
        Matcher m = LISTENING.matcher(awaitLine(p, log, LISTENING));
        if (!m.find()) {
            throw new AssertionError("no address in the line that matched");
        }
        return new Running(p, URI.create(m.group(1)), log);
    }

    /** Exit code and output of a server process that was expected to fail at start. */
    Ran startFails(String name, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path log = dir.resolve(name + "-" + (++logs) + ".log");
        Map<String, String> serverEnv = new HashMap<>(Map.of("PORTCULLIS_PORT", "0", "PORTCULLIS_HOST", "127.0.0.1"));
        serverEnv.putAll(extraEnv);
        Process p = java(log, serverEnv, List.of()).start();
        processes.add(p);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the server gives up").isTrue();
        return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /**
     * Waits for the process's first line that matches {@code pattern} (and is not the INFO log line
     * that repeats what the process prints) by watching the file change, not by sleeping.
     */
    private String awaitLine(Process p, Path log, Pattern pattern) throws IOException, InterruptedException {
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && p.isAlive()) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (pattern.matcher(line).find() && (pattern != LISTENING || !line.contains(" INFO "))) {
                        return line;
                    }
                }
                WatchKey key = watcher.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
            throw new AssertionError("the server did not print " + pattern + ": " + new Running(p, null, log).output());
        }
    }

    /** Runs one command of the jar's main with {@code stdin} as its input, to its end. */
    Ran command(Map<String, String> extraEnv, String stdin, String... args) throws IOException, InterruptedException {
        Path log = dir.resolve("command-" + (++logs) + ".log");
        Process p = java(log, extraEnv, List.of(args)).start();
        processes.add(p);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A command started and not yet ended: its standard input stays open until the test writes and closes it. */
    record Pending(Process process, Path log) {
        /** Writes {@code stdin} to the command, closes its input and waits for its end. */
        Ran finish(String stdin) throws IOException, InterruptedException {
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
            return new Ran(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    /** Starts one command of the jar's main and leaves its standard input open (a prompt that waits for an operator). */
    Pending begin(Map<String, String> extraEnv, String... args) throws IOException {
        Path log = dir.resolve("command-" + (++logs) + ".log");
        Process p = java(log, extraEnv, List.of(args)).start();
        processes.add(p);
        return new Pending(p, log);
    }

    /**
     * Kills the process with SIGKILL at once, as {@code kill -9} does: no shutdown hook, no
     * flush, no orderly close of the database. On Linux {@link Process#destroyForcibly()} sends
     * SIGKILL; the exit status proves it was that signal and not SIGTERM (143).
     */
    static void killHard(Running server) throws InterruptedException {
        server.process().destroyForcibly();
        assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("the process dies").isTrue();
        assertThat(server.process().exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(KILLED_BY_SIGKILL);
    }

    /** SIGTERM, and waits for the orderly stop. */
    static void stop(Running server) throws InterruptedException {
        server.process().destroy();
        assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("the process stops").isTrue();
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}

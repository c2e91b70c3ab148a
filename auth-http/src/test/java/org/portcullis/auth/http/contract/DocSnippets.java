package org.portcullis.auth.http.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the code on a docs page and the compiled code it was copied from the same. A test source
 * marks a region with {@code // tag::NAME[]} and {@code // end::NAME[]}; the page holds the region,
 * indentation removed, as a fenced block. {@link #regions} reads the marks, {@link #fencedBlocks}
 * the page, and a test asserts each region is one of the blocks, so either side drifting fails it.
 */
public final class DocSnippets {

    private static final Pattern TAG = Pattern.compile("^\\s*// tag::([A-Za-z0-9_-]+)\\[]\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*// end::([A-Za-z0-9_-]+)\\[]\\s*$");

    private DocSnippets() {
    }

    /** The repository's root, found from the module directory Maven runs the tests in. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docs/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** The tagged regions of a source file, by tag, each without its common indentation. */
    public static Map<String, String> regions(Path source) {
        Map<String, String> out = new LinkedHashMap<>();
        String open = null;
        List<String> lines = new ArrayList<>();
        for (String line : read(source).split("\n", -1)) {
            Matcher tag = TAG.matcher(line);
            Matcher end = END.matcher(line);
            if (tag.matches()) {
                open = tag.group(1);
                lines.clear();
            } else if (end.matches() && end.group(1).equals(open)) {
                out.put(open, dedent(lines));
                open = null;
            } else if (open != null) {
                lines.add(line);
            }
        }
        if (open != null) {
            throw new IllegalStateException("tag " + open + " is never closed in " + source);
        }
        return out;
    }

    /** The contents of every fenced code block ({@code ```lang ... ```}) of a Markdown page. */
    public static List<String> fencedBlocks(Path page) {
        List<String> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : read(page).split("\n", -1)) {
            if (line.startsWith("```")) {
                if (current == null) {
                    current = new ArrayList<>();
                } else {
                    blocks.add(String.join("\n", current).stripTrailing());
                    current = null;
                }
            } else if (current != null) {
                current.add(line);
            }
        }
        return blocks;
    }

    /**
     * Checks a page's Maven coordinates: one XML block imports {@code org.portcullis:auth-bom} with
     * {@code <scope>import</scope>}, and every other Portcullis artifact it names is one the BOM manages.
     *
     * @throws AssertionError naming what is wrong
     */
    public static void assertBomCoordinates(Path page, Path bomPom) {
        String bom = read(bomPom);
        String xml = fencedBlocks(page).stream().filter(b -> b.contains("<artifactId>auth-bom</artifactId>")).findFirst()
                .orElseThrow(() -> new AssertionError(page + " has no block importing auth-bom"));
        if (!xml.contains("<scope>import</scope>") || !xml.contains("<type>pom</type>")) {
            throw new AssertionError(page + ": auth-bom must be imported (type pom, scope import)");
        }
        Matcher m = Pattern.compile("<artifactId>(auth-[a-z-]+)</artifactId>").matcher(xml);
        int named = 0;
        while (m.find()) {
            if (!m.group(1).equals("auth-bom")) {
                named++;
                if (!bom.contains("<artifactId>" + m.group(1) + "</artifactId>")) {
                    throw new AssertionError(page + " names " + m.group(1) + ", which auth-bom does not manage");
                }
            }
        }
        if (named == 0) {
            throw new AssertionError(page + " names no Portcullis artifact to depend on");
        }
    }

    private static String dedent(List<String> lines) {
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent));
        }
        return String.join("\n", out).stripTrailing();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

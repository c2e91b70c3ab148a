package org.portcullis.auth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README and the pages under {@code docs/} stand on their own: every relative link reaches a
 * file of the repository (and, with a {@code #fragment}, a heading of that page), and the README
 * stays a short front page that names every module. It lives in {@code auth-api} because that
 * module builds first and depends on nothing.
 */
@DisplayName("the README and docs/")
class ReadmeAndDocsTest {

    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("(?m)^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT = Pattern.compile(
            "<groupId>org\\.portcullis</groupId>\\s*<artifactId>(?!auth-bom<)([^<]+)</artifactId>");

    private final Path root = repositoryRoot();

    @Test
    @DisplayName("every relative link points to an existing file inside the repository, and to an existing heading")
    void relativeLinksResolve() throws IOException {
        List<Path> pages = pages();
        assertThat(pages).as("pages checked").contains(root.resolve("README.md"));
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                String problem = check(page, target);
                if (problem != null) {
                    broken.add(root.relativize(page) + ": (" + target + ") " + problem);
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    @DisplayName("the link check itself catches a missing file, a missing heading and a link out of the repository")
    void linkCheckCatchesBrokenLinks() {
        Path readme = root.resolve("README.md");
        assertThat(check(readme, "docs/no-such-page.md")).contains("no such file");
        assertThat(check(readme, "#no-such-heading")).contains("no heading");
        assertThat(check(readme, "../shared/DESIGN.md")).contains("outside the repository");
        assertThat(check(readme, "LICENSE")).isNull();
        assertThat(check(readme, "https://example.org/anything")).isNull();
        assertThat(links("see [a](docs/a.md#x) and `[b](not-a-link.md)`\n```\n[c](in-code.md)\n```\n[d]: ref.md\n"))
                .containsExactly("docs/a.md#x", "ref.md");
    }

    @Test
    @DisplayName("GitHub heading anchors are computed as GitHub does: lower case, punctuation dropped, spaces to dashes, repeats numbered")
    void anchors() {
        assertThat(anchors("# The JDBC store: H2 and PostgreSQL\n## Settings\n## Settings\n"
                + "## Server (`auth-server`)\n```\n# not a heading\n```\n"))
                .containsExactly("the-jdbc-store-h2-and-postgresql", "settings", "settings-1", "server-auth-server");
    }

    @Test
    @DisplayName("the README is a front page of at most 300 lines that names every module of the build")
    void readmeIsShortAndNamesEveryModule() throws IOException {
        String readme = Files.readString(root.resolve("README.md"));
        assertThat(readme.lines().count()).as("README lines").isLessThanOrEqualTo(300);
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        assertThat(modules).isNotEmpty();
        for (String module : modules) {
            assertThat(readme).as("module map row for %s", module).contains("| `" + module + "` |");
        }
    }

    @Test
    @DisplayName("the README's test command is the one CI runs")
    void readmeTestCommandIsCis() throws IOException {
        String readme = Files.readString(root.resolve("README.md"));
        String ci = Files.readString(root.resolve(".ci").resolve("run"));
        assertThat(ci).contains("mvn -B verify");
        assertThat(readme).contains("\nmvn -B verify\n")
                .contains("mvn -B -DskipTests -pl auth-server -am package && java -jar auth-server/target/portcullis-server.jar");
    }

    @Test
    @DisplayName("the BOM aligns every published module, and every Portcullis artifact a page tells you to depend on is in it")
    void bomCoversPublishedModulesAndDocSnippets() throws IOException {
        Set<String> managed = new LinkedHashSet<>();
        Matcher bom = ARTIFACT.matcher(Files.readString(root.resolve("auth-bom").resolve("pom.xml")));
        while (bom.find()) {
            managed.add(bom.group(1));
        }
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            String module = m.group(1).trim();
            boolean published = !Files.readString(root.resolve(module).resolve("pom.xml"))
                    .contains("<maven.deploy.skip>true</maven.deploy.skip>");
            if (published && !module.equals("auth-bom")) {
                assertThat(managed).as("auth-bom manages %s", module).contains(module);
            }
        }
        for (Path page : pages()) {
            Matcher named = ARTIFACT.matcher(Files.readString(page));
            while (named.find()) {
                assertThat(managed).as("%s names org.portcullis:%s", root.relativize(page), named.group(1))
                        .contains(named.group(1));
            }
        }
        assertThat(Files.readString(root.resolve("README.md")))
                .containsPattern("<artifactId>auth-bom</artifactId>\\s*<version>[^<]+</version>\\s*<type>pom</type>\\s*<scope>import</scope>");
    }

    @Test
    @DisplayName("every published module carries what Maven Central requires: a name and a description, and url, licenses, scm and developers from the parent")
    void publicationMetadata() throws IOException {
        String parent = Files.readString(root.resolve("pom.xml"));
        assertThat(parent).contains("<url>", "<licenses>", "<license>", "<scm", "<connection>", "<developers>", "<developer>");
        Matcher m = MODULE.matcher(parent);
        while (m.find()) {
            String pom = Files.readString(root.resolve(m.group(1).trim()).resolve("pom.xml"));
            assertThat(pom).as("%s/pom.xml", m.group(1)).containsPattern("<name>[^<]+</name>")
                    .containsPattern("<description>[^<]+</description>");
        }
        assertThat(Files.readString(root.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004",
                "END OF TERMS AND CONDITIONS");
    }

    private List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.walk(docs)) {
                files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        return pages;
    }

    /** Why this link from {@code page} is broken, or {@code null} when it is sound. */
    private String check(Path page, String target) {
        if (SCHEME.matcher(target).find()) {
            return null; // an absolute address: not ours to check offline
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!resolved.startsWith(root)) {
            return "leads outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (fragment != null && resolved.toString().endsWith(".md")) {
            try {
                if (!anchors(Files.readString(resolved)).contains(fragment)) {
                    return "no heading with anchor #" + fragment;
                }
            } catch (IOException e) {
                return "unreadable: " + e.getMessage();
            }
        }
        return null;
    }

    /** Link targets of a Markdown text, outside fenced code blocks and inline code spans. */
    static List<String> links(String markdown) {
        String prose = withoutCode(markdown);
        List<String> targets = new ArrayList<>();
        Matcher inline = INLINE_LINK.matcher(prose);
        while (inline.find()) {
            targets.add(inline.group(1));
        }
        Matcher reference = REFERENCE_LINK.matcher(prose);
        while (reference.find()) {
            targets.add(reference.group(1));
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of a Markdown text, in order. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (fenced || !h.matches()) {
                continue;
            }
            String text = h.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    private static String withoutCode(String markdown) {
        StringBuilder out = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                out.append('\n');
                continue;
            }
            out.append(fenced ? "" : line.replaceAll("`[^`]*`", "")).append('\n');
        }
        return out.toString();
    }

    /** The directory holding the parent pom and the README: the module's directory or one above it. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("auth-api"))) {
                return dir.normalize();
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}

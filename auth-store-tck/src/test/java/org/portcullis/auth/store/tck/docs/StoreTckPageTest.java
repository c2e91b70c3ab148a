package org.portcullis.auth.store.tck.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The page docs/store-tck.md shows the example store project file by file; the build compiles and
 * tests that project (examples/custom-store). This keeps the page and the project the same, so
 * the snippet a reader copies is the one that was built.
 */
@DisplayName("docs/store-tck.md shows the example store project exactly as it is built")
class StoreTckPageTest {

    /** A file named on its own line, then its content in the next fenced block. */
    private static final Pattern SHOWN_FILE =
            Pattern.compile("^`(examples/[^`]+)`:\\n\\n```[a-z]*\\n(.*?)\\n```$", Pattern.MULTILINE | Pattern.DOTALL);

    private static Path repository() {
        // Surefire runs in the module's directory, one level below the repository root.
        return Path.of("").toAbsolutePath().getParent();
    }

    private static Map<String, String> shownFiles() throws IOException {
        String page = Files.readString(repository().resolve("docs/store-tck.md"), StandardCharsets.UTF_8);
        Map<String, String> shown = new LinkedHashMap<>();
        Matcher m = SHOWN_FILE.matcher(page);
        while (m.find()) {
            shown.put(m.group(1), m.group(2));
        }
        return shown;
    }

    @Test
    @DisplayName("the page shows the project's pom and its test class")
    void showsTheProject() throws IOException {
        assertThat(shownFiles()).containsKeys("examples/custom-store/pom.xml",
                "examples/custom-store/src/test/java/com/example/store/SnapshotSessionStoreTest.java");
    }

    @Test
    @DisplayName("every file the page shows is, character for character, the file the build compiles")
    void sameAsBuilt() throws IOException {
        for (Map.Entry<String, String> shown : shownFiles().entrySet()) {
            String built = Files.readString(repository().resolve(shown.getKey()), StandardCharsets.UTF_8);
            assertThat(shown.getValue()).as(shown.getKey()).isEqualTo(built.stripTrailing());
        }
    }

    @Test
    @DisplayName("the example project is part of the build, so it is compiled and tested against this TCK")
    void exampleIsBuilt() throws IOException {
        List<String> pom = Files.readAllLines(repository().resolve("pom.xml"), StandardCharsets.UTF_8);
        assertThat(pom).anySatisfy(line -> assertThat(line.strip()).isEqualTo("<module>examples/custom-store</module>"));
    }
}

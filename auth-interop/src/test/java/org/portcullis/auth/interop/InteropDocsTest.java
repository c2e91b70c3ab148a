package org.portcullis.auth.interop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("docs/interop.md shows each verifier's code exactly as the interop tests run it")
class InteropDocsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"spring, SpringSecurityInteropTest", "jjwt, JjwtInteropTest", "java-jwt, Auth0JavaJwtInteropTest",
            "nimbus, NimbusInteropTest", "nimbus-eddsa, NimbusInteropTest"})
    @DisplayName("the tagged code of the test is a code block of the page")
    void snippet(String tag, String testClass) throws Exception {
        String source = Files.readString(Path.of("src/test/java/org/portcullis/auth/interop/" + testClass + ".java"));
        Matcher m = Pattern.compile("// tag::" + Pattern.quote(tag) + "\\[]\\n(.*?)\\n\\s*// end::" + Pattern.quote(tag)
                + "\\[]", Pattern.DOTALL).matcher(source);
        assertThat(m.find()).as("tag %s in %s", tag, testClass).isTrue();
        String code = m.group(1).stripIndent();
        String page = Files.readString(Path.of("..", "docs", "interop.md"));
        assertThat(page).contains("```java\n" + code + "\n```");
    }
}

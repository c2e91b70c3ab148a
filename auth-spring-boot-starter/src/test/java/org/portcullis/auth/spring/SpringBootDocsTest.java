package org.portcullis.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/spring-boot.md shows the code the starter's tests run, not a copy that can drift. */
@DisplayName("docs/spring-boot.md")
class SpringBootDocsTest {

    private static final Path APP = Path.of("src/test/java/org/portcullis/auth/spring/example/FiveMinutesApplication.java");
    private static final Path PAGE = Path.of("../docs/spring-boot.md");

    @Test
    @DisplayName("contains the five-minutes application exactly as the tests compile and run it")
    void showsTheTestedCode() throws IOException {
        String source = Files.readString(APP, StandardCharsets.UTF_8);
        String snippet = source.substring(source.indexOf("// tag::five-minutes[]\n") + "// tag::five-minutes[]\n".length(),
                source.indexOf("// end::five-minutes[]"));
        assertThat(snippet).contains("@SpringBootApplication", "@PreAuthorize", "@AuthenticationPrincipal");

        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8)).contains("```java\n" + snippet + "```");
    }

    @Test
    @DisplayName("names every property group the starter binds")
    void namesTheProperties() throws IOException {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        assertThat(page).contains("portcullis.jwt.expire-minutes", "JwtSettings:ExpireMinutes", "portcullis.store.type",
                "portcullis.store.key-encryption-key", "portcullis.http.base-path", "portcullis.security.public-paths",
                "portcullis.security.enabled", "portcullis.security.role-prefix", "portcullis.metrics.enabled");
    }
}

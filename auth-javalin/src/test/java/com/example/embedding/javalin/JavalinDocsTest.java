package com.example.embedding.javalin;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.portcullis.auth.http.contract.DocSnippets;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("docs/embedding/javalin.md shows exactly the code the Javalin leg compiles and runs")
class JavalinDocsTest {

    private static final Path ROOT = DocSnippets.repositoryRoot();
    private static final Path PAGE = ROOT.resolve("docs/embedding/javalin.md");

    @ParameterizedTest(name = "{1} of {0}")
    @CsvSource({
            "auth-http/src/test/java/org/portcullis/auth/http/contract/HttpContractSuite.java, handler",
            "auth-javalin/src/test/java/com/example/embedding/javalin/JavalinContractTest.java, javalin",
            "auth-javalin/src/test/java/com/example/embedding/javalin/JavalinContractTest.java, javalin-principal"})
    @DisplayName("each tagged region appears on the page as a code block, character for character")
    void pageShowsRegion(String source, String tag) {
        assertThat(DocSnippets.fencedBlocks(PAGE)).contains(DocSnippets.regions(ROOT.resolve(source)).get(tag));
    }

    @Test
    @DisplayName("the page imports auth-bom and names only artifacts the BOM manages")
    void mavenCoordinates() {
        DocSnippets.assertBomCoordinates(PAGE, ROOT.resolve("auth-bom/pom.xml"));
    }
}

package com.example.embedding;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.portcullis.auth.http.contract.DocSnippets;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The docs/embedding pages show exactly the code the contract legs compile and run")
class EmbeddingDocsTest {

    private static final Path ROOT = DocSnippets.repositoryRoot();
    private static final Path TESTS = ROOT.resolve("auth-http/src/test/java");

    @ParameterizedTest(name = "{0}.md shows {2} of {1}")
    @CsvSource({
            "jetty, org/portcullis/auth/http/contract/HttpContractSuite.java, handler",
            "jetty, com/example/embedding/AppInitializer.java, servlet-glue",
            "jetty, com/example/embedding/AppServlet.java, servlet-principal",
            "jetty, com/example/embedding/JettyContractTest.java, jetty",
            "tomcat, org/portcullis/auth/http/contract/HttpContractSuite.java, handler",
            "tomcat, com/example/embedding/AppInitializer.java, servlet-glue",
            "tomcat, com/example/embedding/AppServlet.java, servlet-principal",
            "tomcat, com/example/embedding/TomcatContractTest.java, tomcat"})
    @DisplayName("each tagged region appears on its page as a code block, character for character")
    void pageShowsRegion(String page, String source, String tag) {
        Map<String, String> regions = DocSnippets.regions(TESTS.resolve(source));
        assertThat(regions).containsKey(tag);
        List<String> blocks = DocSnippets.fencedBlocks(ROOT.resolve("docs/embedding/" + page + ".md"));
        assertThat(blocks).contains(regions.get(tag));
    }

    @ParameterizedTest(name = "{0}.md")
    @CsvSource({"jetty", "tomcat"})
    @DisplayName("each page imports auth-bom and names only artifacts the BOM manages")
    void mavenCoordinates(String page) {
        DocSnippets.assertBomCoordinates(ROOT.resolve("docs/embedding/" + page + ".md"), ROOT.resolve("auth-bom/pom.xml"));
    }
}

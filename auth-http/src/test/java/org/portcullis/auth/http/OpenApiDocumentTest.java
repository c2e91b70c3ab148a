package org.portcullis.auth.http;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.contract.OpenApiContract;
import org.portcullis.auth.http.internal.Problems;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenAPI document against the code that it describes: every route, every error code, the
 * anonymous set; and the document loads cleanly both as the 3.1 it declares and as the 3.0 the
 * validator checks it as ({@link OpenApiContract} says why).
 */
@DisplayName("The OpenAPI document names what the code serves")
class OpenApiDocumentTest {

    /** Paths only the standalone server serves, documented under the tag "standalone server". */
    private static final Set<String> SERVER_PATHS = Set.of("/health/live", "/health/ready", "/openapi.yaml");

    private static OpenAPI parse31() {
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(OpenApiContract.documentText());
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        return result.getOpenAPI();
    }

    private static String documented(RouteTable.Route route) {
        return route.prefix() ? route.path() + "{sessionId}" : route.path();
    }

    @Test
    @DisplayName("it is OpenAPI 3.1 that parses without a message")
    void parsesAs31() {
        assertThat(parse31().getPaths()).isNotEmpty();
    }

    @Test
    @DisplayName("it stays valid OpenAPI 3.0, so the validator can check bodies under 3.0 semantics")
    void loadsAs30() {
        OpenApiContract.of(OpenApiContract.documentText()); // throws ApiLoadException naming any 3.1-only construct
        String with31Only = OpenApiContract.documentText().replace("    HealthCheck:\n      type: object\n",
                "    HealthCheck:\n      type: [object, 'null']\n");
        assertThat(with31Only).isNotEqualTo(OpenApiContract.documentText());
        assertThatThrownBy(() -> OpenApiContract.of(with31Only))
                .isInstanceOf(OpenApiInteractionValidator.ApiLoadException.class);
    }

    @Test
    @DisplayName("the validator checks neither types nor additional members under 3.1, which is why the document is checked as 3.0")
    void validatorIsBlindUnder31() {
        var as31 = OpenApiInteractionValidator.createForInlineApiSpecification(OpenApiContract.documentText()).build();
        Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/json"), "Cache-Control", List.of("no-store"));
        String wrongType = "{\"userId\":1,\"username\":\"bob\",\"roles\":[],\"sessionId\":\"s\"}";
        String extraMember = "{\"userId\":\"u\",\"username\":\"bob\",\"roles\":[],\"sessionId\":\"s\",\"password\":\"x\"}";
        for (String body : List.of(wrongType, extraMember)) {
            SimpleResponse response = SimpleResponse.Builder.ok().withContentType("application/json")
                    .withHeader("Cache-Control", "no-store").withBody(body).build();
            assertThat(as31.validateResponse("/user/me", Request.Method.GET, response).getMessages())
                    .as("if this starts failing, swagger-request-validator checks 3.1 bodies: drop the rewrite in OpenApiContract")
                    .isEmpty();
        }
        assertThat(OpenApiContract.document().violations("GET", "/user/me", Map.of("Authorization", List.of("Bearer x")), null,
                200, headers, wrongType.getBytes(StandardCharsets.UTF_8))).anySatisfy(v -> assertThat(v).contains("integer"));
        assertThat(OpenApiContract.document().violations("GET", "/user/me", Map.of("Authorization", List.of("Bearer x")), null,
                200, headers, extraMember.getBytes(StandardCharsets.UTF_8))).anySatisfy(v -> assertThat(v).contains("password"));
    }

    @Test
    @DisplayName("every route of the handler is an operation of the document, and no 7G operation is missing from the handler")
    void routes() {
        OpenAPI api = parse31();
        Set<String> fromCode = new TreeSet<>();
        for (RouteTable.Route route : RouteTable.ROUTES) {
            for (String method : route.methods().keySet()) {
                fromCode.add(method + " " + documented(route));
            }
        }
        Set<String> fromDocument = new TreeSet<>();
        api.getPaths().forEach((path, item) -> {
            if (!SERVER_PATHS.contains(path)) {
                item.readOperationsMap().keySet().forEach(m -> fromDocument.add(m.name() + " " + path));
            }
        });
        assertThat(fromDocument).isEqualTo(fromCode);
        assertThat(api.getPaths().keySet()).containsAll(SERVER_PATHS);
    }

    @Test
    @DisplayName("exactly the three contract paths and the standalone server's own are anonymous; the rest need the bearer scheme")
    void anonymousSet() {
        OpenAPI api = parse31();
        assertThat(api.getComponents().getSecuritySchemes().get("bearer").getScheme()).isEqualTo("bearer");
        assertThat(api.getSecurity()).singleElement().satisfies(req -> assertThat(req).containsOnlyKeys("bearer"));
        Set<String> anonymous = new TreeSet<>();
        for (Map.Entry<String, PathItem> e : api.getPaths().entrySet()) {
            for (Operation op : e.getValue().readOperations()) {
                if (op.getSecurity() != null && op.getSecurity().isEmpty()) {
                    anonymous.add(e.getKey());
                }
            }
        }
        Set<String> expected = new TreeSet<>(AuthHttpHandler.ANONYMOUS_PATHS);
        expected.addAll(SERVER_PATHS);
        assertThat(anonymous).isEqualTo(expected);
        for (String path : SERVER_PATHS) {
            assertThat(api.getPaths().get(path).getGet().getTags()).containsExactly("standalone server");
        }
    }

    @Test
    @DisplayName("the problem's code lists every ErrorCode and INTERNAL_ERROR, nothing else")
    void errorCodes() {
        @SuppressWarnings("unchecked")
        List<Object> documented = (List<Object>) (List<?>) parse31().getComponents().getSchemas().get("ErrorCode").getEnum();
        List<String> expected = new ArrayList<>(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
        expected.add(Problems.INTERNAL_ERROR);
        assertThat(documented.stream().map(String::valueOf).collect(Collectors.toList())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    @DisplayName("every status an ErrorCode maps to is documented on some operation")
    void statuses() {
        OpenAPI api = parse31();
        Set<String> documented = api.getPaths().values().stream().flatMap(p -> p.readOperations().stream())
                .flatMap(op -> op.getResponses().keySet().stream()).collect(Collectors.toSet());
        Stream.of(ErrorCode.values()).map(Problems::status).map(String::valueOf)
                .forEach(status -> assertThat(documented).as("status of an ErrorCode").contains(status));
    }
}

package org.portcullis.auth.http.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks real HTTP exchanges against the OpenAPI document of auth-http
 * ({@value #RESOURCE}), so that the document and the servers cannot drift apart: every leg of
 * {@link HttpContractSuite} and the standalone server's own tests pass each exchange through
 * {@link #check}.
 *
 * <p>The rules, for an exchange on an operation the document names:
 * <ul>
 *   <li>the response must match the document for its status: content type, body schema
 *       (additional members refused where the document says so), declared headers;</li>
 *   <li>a request the server accepted (2xx) must match the document: body, parameters, security.
 *       A refused request is not checked, since the tests send bad requests on purpose and the
 *       document says how they are refused.</li>
 * </ul>
 * On the 7G namespaces ({@code /user/}, {@code /common/}) an operation the document does not name
 * must not answer 2xx. {@code HEAD} (GET's answer without a body, RFC 9110 §9.3.2) and CORS
 * preflights ({@code OPTIONS}) are outside the document and not checked; application paths are
 * the application's own.
 *
 * <p><b>Why the version line is rewritten.</b> The document is OpenAPI 3.1 written so that it is
 * also valid 3.0 (no type arrays, {@code const} or {@code nullable}). swagger-request-validator
 * 2.46.1 parses 3.1, but then silently skips most schema checks (types, additional properties);
 * under 3.0 it checks them. So {@link #of} validates against the same text with
 * {@code openapi: 3.1.0} read as {@code 3.0.3}; {@code OpenApiDocumentTest} proves both the
 * blindness and that the text loads cleanly under both versions.
 *
 * <p>Thread-safe (the validator is).
 */
public final class OpenApiContract {

    /** Where the document lives on the class path. */
    public static final String RESOURCE = "org/portcullis/auth/http/openapi.yaml";

    /** The version line the document starts with. */
    public static final String VERSION_LINE = "openapi: 3.1.0";

    private static final Set<String> UNDOCUMENTED = Set.of(
            "validation.request.path.missing", "validation.request.operation.notAllowed");

    private static final OpenApiContract DOCUMENT = of(documentText());

    private final OpenApiInteractionValidator validator;

    private OpenApiContract(OpenApiInteractionValidator validator) {
        this.validator = validator;
    }

    /** The checker of the document in the repository. */
    public static OpenApiContract document() {
        return DOCUMENT;
    }

    /** The text of the document, as the class path holds it. */
    public static String documentText() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A checker for a text of the document (tests use altered copies to prove that drift is caught).
     *
     * @throws IllegalArgumentException if the text does not start with {@value #VERSION_LINE}
     * @throws OpenApiInteractionValidator.ApiLoadException if it is not a valid document
     */
    public static OpenApiContract of(String documentText) {
        return new OpenApiContract(OpenApiInteractionValidator.createForInlineApiSpecification(asOpenApi30(documentText)).build());
    }

    /** The same document, declared as 3.0.3 (see the class comment for why). */
    static String asOpenApi30(String documentText) {
        String firstLine = documentText.lines().findFirst().orElse("");
        if (!firstLine.equals(VERSION_LINE)) {
            throw new IllegalArgumentException("the document must start with '" + VERSION_LINE + "', not '" + firstLine + "'");
        }
        return "openapi: 3.0.3" + documentText.substring(VERSION_LINE.length());
    }

    /**
     * Fails if the exchange breaks the document.
     *
     * @param requestHeaders the headers sent, name to values
     * @param requestBody    the body sent, or {@code null} for none
     * @throws AssertionError naming every violation
     */
    public void check(String method, String path, Map<String, List<String>> requestHeaders, byte[] requestBody,
                      HttpResponse<byte[]> response) {
        List<String> violations = violations(method, path, requestHeaders, requestBody,
                response.statusCode(), response.headers().map(), response.body());
        if (!violations.isEmpty()) {
            throw new AssertionError("the exchange " + method + " " + path + " -> " + response.statusCode()
                    + " breaks the OpenAPI document (" + RESOURCE + "):\n  " + String.join("\n  ", violations)
                    + "\nanswer: " + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    /** Every way in which the exchange breaks the document; empty when it keeps it or is outside it. */
    public List<String> violations(String method, String path, Map<String, List<String>> requestHeaders, byte[] requestBody,
                                   int status, Map<String, List<String>> responseHeaders, byte[] responseBody) {
        String m = method.toUpperCase(Locale.ROOT);
        if (m.equals("HEAD") || m.equals("OPTIONS")) {
            return List.of();
        }
        SimpleRequest.Builder request = new SimpleRequest.Builder(m, path);
        requestHeaders.forEach(request::withHeader);
        if (requestBody != null && requestBody.length > 0) {
            request.withBody(requestBody);
        }
        ValidationReport requestReport = validator.validateRequest(request.build());
        boolean success = status >= 200 && status < 300;
        List<String> violations = new ArrayList<>();
        if (requestReport.getMessages().stream().anyMatch(msg -> UNDOCUMENTED.contains(msg.getKey()))) {
            if (success && (path.startsWith("/user/") || path.startsWith("/common/"))) {
                violations.add("the server answered " + status + " to an operation the document does not name");
            }
            return violations;
        }
        if (success) {
            errors(requestReport, "request", violations);
        }
        SimpleResponse.Builder response = new SimpleResponse.Builder(status);
        responseHeaders.forEach((name, values) -> {
            if (!name.startsWith(":")) { // HTTP/2 pseudo-headers
                response.withHeader(name, values);
            }
        });
        if (responseBody != null && responseBody.length > 0) {
            response.withBody(responseBody);
        }
        errors(validator.validateResponse(path, Request.Method.valueOf(m), response.build()), "response", violations);
        return violations;
    }

    private static void errors(ValidationReport report, String side, List<String> into) {
        for (ValidationReport.Message msg : report.getMessages()) {
            if (msg.getLevel() == ValidationReport.Level.ERROR) {
                into.add(side + ": " + msg.getKey() + ": " + msg.getMessage());
            }
        }
    }
}

package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.http.contract.OpenApiContract;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The standalone server serves its OpenAPI document")
class OpenApiEndpointTest {

    @TempDir
    Path dir;

    private PortcullisServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Client start(Map<String, String> extra) {
        server = PortcullisServerEndToEndTest.startWithTestUsers(PortcullisServerEndToEndTest.testConfig(dir, extra),
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")), new PrintStream(OutputStream.nullOutputStream()));
        return new Client(server.uri());
    }

    @Test
    @DisplayName("GET /openapi.yaml answers the document of the repository to anyone, as application/yaml")
    void served() {
        Client client = start(Map.of());
        HttpResponse<String> r = client.get("/openapi.yaml", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/yaml");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(r.body()).isEqualTo(OpenApiContract.documentText()).startsWith(OpenApiContract.VERSION_LINE);
    }

    @Test
    @DisplayName("HEAD has GET's headers and no body; another method is a 405 naming GET and HEAD")
    void methods() {
        Client client = start(Map.of());
        HttpResponse<String> head = client.send(client.request("/openapi.yaml").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(OpenApiContract.documentText().getBytes().length);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> post = client.post("/openapi.yaml", null, "{}");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(post.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    @DisplayName("with openapi.enabled=false the path is like any unknown one: 401 without a token")
    void off() {
        Client client = start(Map.of("PORTCULLIS_OPENAPI_ENABLED", "false"));
        HttpResponse<String> r = client.get("/openapi.yaml", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Client.code(r)).isEqualTo("TOKEN_MISSING");
    }
}

package org.portcullis.auth.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Prometheus metrics on the management port")
class ManagementPortTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PortcullisServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private PortcullisServer start(Map<String, String> extra) {
        server = PortcullisServerEndToEndTest.startWithTestUsers(PortcullisServerEndToEndTest.testConfig(dir, extra),
                MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z")), new PrintStream(OutputStream.nullOutputStream()));
        return server;
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one sample line of a Prometheus scrape, such as {@code name{a="b"} 1.0}. */
    private static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as("series %s in:%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    @DisplayName("off by default: no management listener, and the API port has no /metrics")
    void offByDefault() throws Exception {
        PortcullisServer s = start(Map.of());
        assertThat(s.managementUri()).isEmpty();
        HttpResponse<String> r = get(s.uri().resolve("/metrics"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("portcullis_");
    }

    @Test
    @DisplayName("a scrape over a real socket counts the logins and times them, by result, with no username or address")
    void scrape() throws Exception {
        PortcullisServer s = start(Map.of("PORTCULLIS_MANAGEMENT_PORT", "0", "PORTCULLIS_MANAGEMENT_HOST", "127.0.0.1"));
        URI metrics = s.managementUri().orElseThrow().resolve("/metrics");
        assertThat(metrics.getPort()).isNotEqualTo(s.port());
        Client api = new Client(s.uri());
        api.login(TestUsers.ALICE, TestUsers.ALICE_PASSWORD);
        api.login(TestUsers.BOB, TestUsers.BOB_PASSWORD);
        assertThat(api.post("/user/login", null, "{\"username\":\"bob\",\"password\":\"wrong\"}").statusCode()).isEqualTo(401);

        HttpResponse<String> r = get(metrics);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        String scrape = r.body();
        assertThat(sample(scrape, "portcullis_logins_total{reason=\"none\",result=\"succeeded\"}")).isEqualTo(2.0);
        assertThat(scrape).containsPattern("(?m)^portcullis_logins_total\\{reason=\"[a-z_]+\",result=\"failed\"} 1\\.0$");
        assertThat(sample(scrape, "portcullis_login_seconds_count{code=\"none\",outcome=\"success\"}")).isEqualTo(2.0);
        assertThat(sample(scrape, "portcullis_login_seconds_count{code=\"invalid_credentials\",outcome=\"failure\"}")).isEqualTo(1.0);
        assertThat(scrape).contains("jvm_memory_used_bytes").contains("portcullis_token_cache_size");
        assertThat(scrape).doesNotContain(TestUsers.ALICE).doesNotContain("127.0.0.1").doesNotContain("u-alice");
    }

    @Test
    @DisplayName("the management port serves no API, and the API port serves no metrics")
    void separated() throws Exception {
        PortcullisServer s = start(Map.of("PORTCULLIS_MANAGEMENT_PORT", "0", "PORTCULLIS_MANAGEMENT_HOST", "127.0.0.1"));
        URI management = s.managementUri().orElseThrow();
        for (String path : new String[] {"/common/HealthCheck", "/common/lookup", "/openapi.yaml", "/health/live", "/"}) {
            HttpResponse<String> r = get(management.resolve(path));
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).as(path).contains("application/problem+json");
        }
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(management.resolve("/user/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"bob\",\"password\":\"" + TestUsers.BOB_PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(404);
        assertThat(login.body()).doesNotContain("accessToken");

        HttpResponse<String> onApi = get(s.uri().resolve("/metrics"));
        assertThat(onApi.statusCode()).isEqualTo(401);
        assertThat(onApi.body()).doesNotContain("portcullis_");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(management.resolve("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    @DisplayName("the management port may not be the API port")
    void samePortRefused() {
        assertThatThrownBy(() -> PortcullisServerEndToEndTest.testConfig(dir,
                Map.of("PORTCULLIS_PORT", "8181", "PORTCULLIS_MANAGEMENT_PORT", "8181")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PORTCULLIS_MANAGEMENT_PORT").hasMessageContaining("PORTCULLIS_PORT");
        assertThatThrownBy(() -> PortcullisServerEndToEndTest.testConfig(dir, Map.of("PORTCULLIS_MANAGEMENT_PORT", "seventy")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORTCULLIS_MANAGEMENT_PORT");
    }
}

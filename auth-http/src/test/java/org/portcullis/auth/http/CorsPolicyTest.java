package org.portcullis.auth.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The CORS policy builder")
class CorsPolicyTest {

    private static AuthHttpRequest from(String origin) {
        return AuthHttpRequest.of("GET", "/app", Map.of("Origin", List.of(origin)), null, "127.0.0.1");
    }

    @Test
    @DisplayName("refuses no origin at all, any origin with credentials, and a max-age out of range")
    void refusals() {
        assertThatThrownBy(() -> CorsPolicy.builder().build()).hasMessageContaining("origin");
        assertThatThrownBy(() -> CorsPolicy.builder().allowAnyOrigin().allowCredentials(true).build())
                .hasMessageContaining("allowCredentials");
        assertThatThrownBy(() -> CorsPolicy.builder().allowOrigins("https://a.example").maxAge(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("maxAge");
        assertThatThrownBy(() -> CorsPolicy.builder().allowOrigins("https://a.example").maxAge(Duration.ofDays(2)).build())
                .hasMessageContaining("maxAge");
        assertThatThrownBy(() -> CorsPolicy.builder().allowOrigins("https://a.example").allowMethods().build())
                .hasMessageContaining("method");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"*", "null", "", "a.example", "https://a.example/", "https://a.example/app", "ftp://a.example",
            "https://user@a.example", "https://a.example?x"})
    @DisplayName("refuses what is not an origin")
    void notAnOrigin(String origin) {
        assertThatThrownBy(() -> CorsPolicy.builder().allowOrigins(origin)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("compares origins as browsers serialise them: lower case, default port dropped")
    void normalised() {
        CorsPolicy p = CorsPolicy.builder().allowOrigins("HTTPS://App.Example:443", "http://localhost:3000").build();
        assertThat(p.headersFor(from("https://app.example"))).containsEntry("Access-Control-Allow-Origin", "https://app.example");
        assertThat(p.headersFor(from("http://localhost:3000"))).containsEntry("Access-Control-Allow-Origin", "http://localhost:3000");
        assertThat(p.headersFor(from("http://localhost:3001"))).doesNotContainKey("Access-Control-Allow-Origin");
        assertThat(p.headersFor(from("https://app.example.evil"))).containsOnlyKeys("Vary");
    }

    @Test
    @DisplayName("with any origin and no credentials, answers '*' but never to the opaque origin \"null\"")
    void anyOrigin() {
        CorsPolicy p = CorsPolicy.builder().allowAnyOrigin().build();
        assertThat(p.headersFor(from("https://x.example"))).containsEntry("Access-Control-Allow-Origin", "*")
                .doesNotContainKey("Access-Control-Allow-Credentials");
        assertThat(p.headersFor(from("null"))).containsOnlyKeys("Vary");
    }
}

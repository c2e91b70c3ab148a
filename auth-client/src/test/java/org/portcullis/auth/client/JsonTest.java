package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The JSON shapes of the User resource")
class JsonTest {

    static final Instant SENT = Instant.parse("2026-01-01T10:00:00Z");

    static final String TOKEN_RESPONSE = """
            {"accessToken":"eyJ.access.sig","refreshToken":"r3fr3sh-s3cret","tokenType":"Bearer",
             "expiresIn":1200,"expiresAt":"2026-01-01T10:20:00Z","refreshExpiresAt":"2026-01-08T10:00:00Z",
             "sessionId":"s-42"}""";

    @Nested
    @DisplayName("a token response")
    class TokenResponse {

        @Test
        @DisplayName("is read into tokens whose expiry is the send time plus expiresIn, on the client's clock")
        void parsed() {
            Tokens t = Json.tokens(TOKEN_RESPONSE, SENT);
            assertThat(t.accessToken()).isEqualTo("eyJ.access.sig");
            assertThat(t.refreshToken()).isEqualTo("r3fr3sh-s3cret");
            assertThat(t.sessionId()).isEqualTo("s-42");
            assertThat(t.lifetime()).isEqualTo(Duration.ofMinutes(20));
            assertThat(t.expiresAt()).isEqualTo(SENT.plus(Duration.ofMinutes(20)));
            assertThat(t.refreshExpiresAt()).contains(Instant.parse("2026-01-08T10:00:00Z"));
        }

        @Test
        @DisplayName("a server clock five minutes ahead does not move the client's expiry")
        void serverClockAhead() {
            String ahead = TOKEN_RESPONSE.replace("2026-01-01T10:20:00Z", "2026-01-01T10:25:00Z");
            assertThat(Json.tokens(ahead, SENT).expiresAt()).isEqualTo(SENT.plus(Duration.ofMinutes(20)));
        }

        @Test
        @DisplayName("without expiresIn, the server's expiresAt gives the lifetime")
        void fallsBackToExpiresAt() {
            String noExpiresIn = TOKEN_RESPONSE.replace("\"expiresIn\":1200,", "");
            assertThat(Json.tokens(noExpiresIn, SENT).lifetime()).isEqualTo(Duration.ofMinutes(20));
        }

        @Test
        @DisplayName("a missing refresh token is an UNEXPECTED_RESPONSE that quotes no token")
        void missingMember() {
            String broken = TOKEN_RESPONSE.replace("\"refreshToken\"", "\"other\"");
            assertThatThrownBy(() -> Json.tokens(broken, SENT))
                    .isInstanceOfSatisfying(AuthClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(AuthClientException.UNEXPECTED_RESPONSE);
                        assertThat(e.getMessage()).contains("refreshToken").doesNotContain("r3fr3sh-s3cret")
                                .doesNotContain("eyJ.access.sig");
                    });
        }

        @Test
        @DisplayName("broken JSON is an UNEXPECTED_RESPONSE whose message and cause hold none of the input")
        void brokenJson() {
            String truncated = TOKEN_RESPONSE.substring(0, 60);
            assertThatThrownBy(() -> Json.tokens(truncated, SENT))
                    .isInstanceOfSatisfying(AuthClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(AuthClientException.UNEXPECTED_RESPONSE);
                        assertThat(e.getMessage()).doesNotContain("eyJ.access.sig");
                        assertThat(e.getCause()).isNull();
                    });
        }

        @Test
        @DisplayName("a token type other than Bearer is refused")
        void notBearer() {
            String mac = TOKEN_RESPONSE.replace("\"Bearer\"", "\"MAC\"");
            assertThatThrownBy(() -> Json.tokens(mac, SENT)).isInstanceOf(AuthClientException.class)
                    .hasMessageContaining("tokenType");
        }

        @Test
        @DisplayName("a negative expiresIn is refused")
        void negativeLifetime() {
            String negative = TOKEN_RESPONSE.replace("1200", "-5");
            assertThatThrownBy(() -> Json.tokens(negative, SENT)).isInstanceOf(AuthClientException.class)
                    .hasMessageContaining("expiresIn");
        }
    }

    @Nested
    @DisplayName("the me answer")
    class Me {

        @Test
        @DisplayName("is read with its roles")
        void parsed() {
            UserInfo me = Json.user("""
                    {"userId":"u-1","username":"alice","roles":["admin","user"],"sessionId":"s-42"}""");
            assertThat(me).isEqualTo(new UserInfo("u-1", "alice", java.util.Set.of("admin", "user"), "s-42"));
        }
    }

    @Nested
    @DisplayName("the sessions answer")
    class Sessions {

        static final String ONE = """
                {"id":"s-42","createdAt":"2026-01-01T09:00:00Z","lastRefreshedAt":"2026-01-01T09:40:00Z",
                 "idleExpiresAt":"2026-01-08T09:40:00Z","absoluteExpiresAt":"2026-01-31T09:00:00Z",
                 "current":true,"clientIp":"127.0.0.1","userAgent":"test","refreshCount":3,"unknownMember":1}""";

        @Test
        @DisplayName("is read from a JSON array, taking the earlier expiry and ignoring unknown members")
        void array() {
            var sessions = Json.sessions("[" + ONE + "]");
            assertThat(sessions).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo("s-42");
                assertThat(s.current()).isTrue();
                assertThat(s.expiresAt()).contains(Instant.parse("2026-01-08T09:40:00Z"));
                assertThat(s.lastRefreshedAt()).contains(Instant.parse("2026-01-01T09:40:00Z"));
                assertThat(s.clientIp()).isEqualTo("127.0.0.1");
                assertThat(s.refreshCount()).isEqualTo(3);
            });
        }

        @Test
        @DisplayName("is read from an object whose sessions member is the array")
        void wrapped() {
            assertThat(Json.sessions("{\"sessions\":[" + ONE + "]}")).extracting(SessionInfo::id)
                    .containsExactly("s-42");
        }

        @Test
        @DisplayName("the server's spelling sessionId names the session too")
        void sessionIdSpelling() {
            assertThat(Json.sessions("[" + ONE.replace("\"id\"", "\"sessionId\"") + "]"))
                    .extracting(SessionInfo::id).containsExactly("s-42");
        }

        @Test
        @DisplayName("a session without createdAt is an UNEXPECTED_RESPONSE")
        void missingCreatedAt() {
            assertThatThrownBy(() -> Json.sessions("[{\"id\":\"s\"}]")).isInstanceOf(AuthClientException.class)
                    .hasMessageContaining("createdAt");
        }
    }

    @Test
    @DisplayName("a request body with quotes and backslashes is escaped and reads back unchanged")
    void writeEscapes() {
        String password = "pa\"ss\\word\n";
        String json = Json.write(Map.of("password", password));
        assertThat(Json.object(json, "test")).containsEntry("password", password);
    }
}

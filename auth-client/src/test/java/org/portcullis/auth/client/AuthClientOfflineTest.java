package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * What the client does without a server: against a loopback port that nobody listens on, every
 * request is refused, so any request the client makes shows up as a failure.
 */
@DisplayName("AuthClient without a server")
class AuthClientOfflineTest {

    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    MutableClock clock;
    TokenHolder holder;
    AuthClient client;
    URI deadServer;

    @BeforeEach
    void setUp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadServer = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
        }
        clock = MutableClock.startingAt(T0);
        holder = TokenHolder.inMemory();
        client = AuthClient.builder(deadServer).clock(clock).tokenHolder(holder).build();
    }

    /** Tokens issued at T0 for 20 minutes. */
    Tokens held() {
        Tokens t = TokensTest.tokens(Duration.ofMinutes(20), T0.plus(Duration.ofMinutes(20)));
        holder.set(t);
        return t;
    }

    @Nested
    @DisplayName("before login")
    class NotLoggedIn {

        @Test
        @DisplayName("ensureValidToken says NOT_LOGGED_IN as a session-gone exception")
        void ensure() {
            assertThatThrownBy(client::ensureValidToken).isInstanceOfSatisfying(SessionGoneException.class,
                    e -> assertThat(e.code()).isEqualTo(AuthClientException.NOT_LOGGED_IN));
        }

        @Test
        @DisplayName("the async form fails the future the same way")
        void ensureAsync() {
            assertThatThrownBy(() -> client.ensureValidTokenAsync().get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SessionGoneException.class);
        }

        @Test
        @DisplayName("send refuses before sending anything")
        void send() {
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(deadServer.resolve("x")),
                    HttpResponse.BodyHandlers.discarding())).isInstanceOf(SessionGoneException.class);
        }

        @Test
        @DisplayName("logout is a no-op")
        void logout() {
            client.logout();
            assertThat(client.tokens()).isEmpty();
        }

        @Test
        @DisplayName("toString says so")
        void printed() {
            assertThat(client.toString()).contains("not logged in", deadServer.toString());
        }
    }

    @Nested
    @DisplayName("with tokens held")
    class LoggedIn {

        @Test
        @DisplayName("a token that is not due is returned without any request")
        void notDue() {
            Tokens t = held();
            clock.advance(Duration.ofMinutes(19));
            assertThat(client.ensureValidToken()).isEqualTo(t.accessToken());
        }

        @Test
        @DisplayName("when the refresh is due but the server is unreachable, the still-valid token is used")
        void dueButUnreachable() {
            Tokens t = held();
            clock.advance(Duration.ofMinutes(19).plusSeconds(45));
            assertThat(client.ensureValidToken()).isEqualTo(t.accessToken());
            assertThat(client.tokens()).contains(t);
        }

        @Test
        @DisplayName("once the token has expired, an unreachable server is a ServerUnavailableException and the tokens are kept")
        void expiredAndUnreachable() {
            Tokens t = held();
            clock.advance(Duration.ofMinutes(20));
            assertThatThrownBy(client::ensureValidToken).isInstanceOfSatisfying(ServerUnavailableException.class, e -> {
                assertThat(e.code()).isEqualTo(AuthClientException.SERVER_UNREACHABLE);
                assertThat(e.status()).isZero();
                assertThat(e.isRetryable()).isTrue();
                assertThat(e.getMessage()).contains("127.0.0.1").doesNotContain(t.accessToken())
                        .doesNotContain(t.refreshToken());
            });
            assertThat(client.tokens()).contains(t);
        }

        @Test
        @DisplayName("a failure on the HTTP client's thread is rethrown on the caller's, with the original as its cause")
        void callerStack() {
            held();
            assertThatThrownBy(client::refresh).isInstanceOfSatisfying(ServerUnavailableException.class, e -> {
                assertThat(e.getStackTrace()).anySatisfy(frame ->
                        assertThat(frame.getClassName()).isEqualTo(AuthClientOfflineTest.LoggedIn.class.getName()));
                assertThat(e.getCause()).isInstanceOf(ServerUnavailableException.class)
                        .hasCauseInstanceOf(IOException.class);
            });
        }

        @Test
        @DisplayName("an explicit refresh against an unreachable server fails, whatever the token's age")
        void explicitRefresh() {
            held();
            assertThatThrownBy(client::refresh).isInstanceOf(ServerUnavailableException.class);
        }

        @Test
        @DisplayName("logout against an unreachable server fails and keeps the tokens, so it can be tried again")
        void logoutKeepsTokens() {
            Tokens t = held();
            assertThatThrownBy(client::logout).isInstanceOf(ServerUnavailableException.class);
            assertThat(client.tokens()).contains(t);
        }

        @Test
        @DisplayName("toString names the session and never a token")
        void printed() {
            Tokens t = held();
            assertThat(client.toString()).contains("sid-1").doesNotContain(t.accessToken())
                    .doesNotContain(t.refreshToken());
        }
    }

    @Nested
    @DisplayName("the builder")
    class Building {

        @Test
        @DisplayName("refuses a relative base URI")
        void relative() {
            assertThatThrownBy(() -> AuthClient.builder(URI.create("/user"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("baseUri");
        }

        @Test
        @DisplayName("refuses a negative refresh margin, naming it")
        void negativeMargin() {
            assertThatThrownBy(() -> AuthClient.builder(deadServer).refreshMargin(Duration.ofSeconds(-1)).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refreshMargin");
        }

        @Test
        @DisplayName("refuses a zero request timeout, naming it")
        void zeroTimeout() {
            assertThatThrownBy(() -> AuthClient.builder(deadServer).requestTimeout(Duration.ZERO).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
        }

        @Test
        @DisplayName("accepts a base URI with a path and no trailing slash")
        void pathWithoutSlash() {
            AuthClient c = AuthClient.builder(URI.create("http://localhost:1/api")).build();
            assertThat(c.toString()).contains("http://localhost:1/api/");
        }
    }
}

package org.portcullis.auth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.server.PortcullisServer;
import org.portcullis.auth.server.ServerConfig;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.testkit.FakeOpenIdProvider;

/**
 * {@link AuthClient#loginWithProvider} against the standalone server configured with the fake
 * OpenID provider of auth-testkit, over loopback sockets.
 */
@DisplayName("AuthClient logs in with an OpenID provider's ID token")
class ProviderLoginTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T08:00:00Z"));
    private FakeOpenIdProvider idp;
    private PortcullisServer server;
    private AuthClient client;

    @BeforeEach
    void start() {
        idp = FakeOpenIdProvider.start(clock);
        ServerConfig config = ServerConfig.load(Map.of(
                "PORTCULLIS_HOST", "127.0.0.1", "PORTCULLIS_PORT", "0", "PORTCULLIS_DEMO_SEED", "false",
                "PORTCULLIS_OIDC_CORP_ISSUER", idp.issuer(),
                "PORTCULLIS_OIDC_CORP_CLIENT_IDS", "cli",
                "PORTCULLIS_OIDC_CORP_JIT", "true",
                "PORTCULLIS_OIDC_CORP_LINK_BY_VERIFIED_EMAIL", "true"), dir);
        server = PortcullisServer.start(config, clock, new PrintStream(OutputStream.nullOutputStream()), false);
        client = AuthClient.builder(server.uri()).clock(clock).build();
    }

    @AfterEach
    void stop() {
        server.close();
        idp.close();
    }

    @Test
    @DisplayName("the tokens are held and used like a password login's, and the nonce is sent along")
    void logsIn() {
        String idToken = idp.idToken("u-77").audience("cli").email("kim@example.com", true).nonce("xyz").sign();
        Tokens tokens = client.loginWithProvider("corp", idToken, Optional.of("xyz"));
        assertThat(client.tokens()).contains(tokens);
        assertThat(client.me().username()).isEqualTo("kim@example.com");
    }

    @Test
    @DisplayName("a refused ID token surfaces as INVALID_CREDENTIALS and holds no tokens")
    void refused() {
        String idToken = idp.idToken("u-78").audience("cli").nonce("abc").sign();
        assertThatThrownBy(() -> client.loginWithProvider("corp", idToken, Optional.of("not-abc")))
                .isInstanceOfSatisfying(AuthClientException.class, e -> assertThat(e.code()).isEqualTo("INVALID_CREDENTIALS"));
        assertThat(client.tokens()).isEmpty();
    }
}

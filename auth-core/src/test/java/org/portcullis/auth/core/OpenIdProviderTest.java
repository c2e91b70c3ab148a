package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Clock;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.store.memory.InMemoryStores;

@DisplayName("OpenIdProvider: the builder refuses nonsense and names the setting")
class OpenIdProviderTest {

    private static OpenIdProvider.Builder valid() {
        return OpenIdProvider.builder("google").issuer("https://accounts.google.com").clientIds("web");
    }

    @Test
    @DisplayName("defaults: discovery under the issuer, RSA and EC algorithms only, JIT and e-mail linking off")
    void defaults() {
        OpenIdProvider p = valid().build();
        assertThat(p.discoveryUrl()).isEqualTo(URI.create("https://accounts.google.com/.well-known/openid-configuration"));
        assertThat(p.algorithms()).doesNotContain("none", "HS256", "HS384", "HS512").contains("RS256", "ES256");
        assertThat(p.justInTimeUsers()).isFalse();
        assertThat(p.linkByVerifiedEmail()).isFalse();
        assertThat(p.maxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(OpenIdProvider.builder("k").issuer("https://sso.example.com/realms/x/").clientIds("c").build()
                .discoveryUrl()).hasToString("https://sso.example.com/realms/x/.well-known/openid-configuration");
    }

    @Test
    @DisplayName("none and HMAC algorithms cannot be allowed (RFC 8725 §3.1)")
    void algorithms() {
        assertThatThrownBy(() -> valid().algorithms("none").build()).hasMessageContaining("algorithms");
        assertThatThrownBy(() -> valid().algorithms("RS256", "HS256").build()).hasMessageContaining("algorithms");
        assertThat(valid().algorithms("ES256").build().algorithms()).containsExactly("ES256");
    }

    @Test
    @DisplayName("plain http is refused except to a loopback host")
    void tls() {
        assertThatThrownBy(() -> valid().issuer("http://accounts.example.com").build()).hasMessageContaining("issuer");
        assertThatThrownBy(() -> valid().discoveryUrl(URI.create("http://idp.example.com/d")).build())
                .hasMessageContaining("discoveryUrl");
        assertThatThrownBy(() -> valid().jwksUrl(URI.create("ftp://idp.example.com/jwks")).build())
                .hasMessageContaining("jwksUrl");
        assertThat(valid().issuer("http://127.0.0.1:8081").build().issuer()).isEqualTo("http://127.0.0.1:8081");
        assertThat(valid().issuer("http://[::1]:8081").build().issuer()).isEqualTo("http://[::1]:8081");
        assertThat(valid().issuer("http://localhost:8081").build().issuer()).isEqualTo("http://localhost:8081");
        assertThatThrownBy(() -> valid().issuer("http://127.0.0.1.example.com").build()).hasMessageContaining("issuer");
    }

    @Test
    @DisplayName("an id, an issuer and a client id are required; ids are lower case")
    void required() {
        assertThatThrownBy(() -> OpenIdProvider.builder("google").clientIds("c").build()).hasMessageContaining("issuer");
        assertThatThrownBy(() -> OpenIdProvider.builder("google").issuer("https://a.example").build())
                .hasMessageContaining("clientIds");
        assertThatThrownBy(() -> valid().clientIds("web", " ").build()).hasMessageContaining("clientIds");
        assertThatThrownBy(() -> OpenIdProvider.builder("Google").issuer("https://a.example").clientIds("c").build())
                .hasMessageContaining("lower-case");
    }

    @Test
    @DisplayName("durations and sizes out of range are refused")
    void ranges() {
        assertThatThrownBy(() -> valid().clockSkew(Duration.ofMinutes(6)).build()).hasMessageContaining("clockSkew");
        assertThatThrownBy(() -> valid().maxAge(Duration.ZERO).build()).hasMessageContaining("maxAge");
        assertThatThrownBy(() -> valid().httpTimeout(Duration.ZERO).build()).hasMessageContaining("httpTimeout");
        assertThatThrownBy(() -> valid().maxDocumentBytes(20 * 1024 * 1024).build()).hasMessageContaining("maxDocumentBytes");
        assertThatThrownBy(() -> valid().keyCacheLifetime(Duration.ofSeconds(1)).build())
                .hasMessageContaining("keyCacheLifetime");
    }

    @Test
    @DisplayName("the service builder wants an external-identity store with a provider, and each id once")
    void serviceBuilder() {
        Portcullis.Builder b = Portcullis.builder().stores(InMemoryStores.create(Clock.systemUTC())).openIdProvider(valid().build());
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("externalIdentities");
        assertThatThrownBy(() -> b.openIdProvider(valid().build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }
}

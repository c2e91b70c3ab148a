package org.portcullis.auth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.core.OpenIdProvider;

@DisplayName("The server's OpenID provider settings (PORTCULLIS_OIDC_<ID>_*)")
class OidcSettingsTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("no provider is configured by default")
    void noneByDefault() {
        assertThat(ServerConfig.load(Map.of(), dir).openIdProviders()).isEmpty();
    }

    @Test
    @DisplayName("a provider is read from the environment: id in lower case, client ids split at commas, JIT off unless set")
    void fromEnvironment() {
        ServerConfig c = ServerConfig.load(Map.of(
                "PORTCULLIS_OIDC_GOOGLE_ISSUER", "https://accounts.google.com",
                "PORTCULLIS_OIDC_GOOGLE_CLIENT_IDS", "web.apps.googleusercontent.com, ios.apps.googleusercontent.com",
                "PORTCULLIS_OIDC_MY_CORP_ISSUER", "https://sso.example.com/realms/staff",
                "PORTCULLIS_OIDC_MY_CORP_CLIENT_IDS", "portal",
                "PORTCULLIS_OIDC_MY_CORP_DISCOVERY_URL", "https://sso.example.com/realms/staff/.well-known/openid-configuration",
                "PORTCULLIS_OIDC_MY_CORP_JIT", "true"), dir);
        assertThat(c.openIdProviders()).extracting(OpenIdProvider::id).containsExactly("google", "my_corp");
        OpenIdProvider google = c.openIdProviders().get(0);
        assertThat(google.issuer()).isEqualTo("https://accounts.google.com");
        assertThat(google.clientIds()).containsExactlyInAnyOrder("web.apps.googleusercontent.com", "ios.apps.googleusercontent.com");
        assertThat(google.justInTimeUsers()).isFalse();
        assertThat(google.linkByVerifiedEmail()).isFalse();
        assertThat(google.discoveryUrl()).hasToString("https://accounts.google.com/.well-known/openid-configuration");
        OpenIdProvider corp = c.openIdProviders().get(1);
        assertThat(corp.justInTimeUsers()).isTrue();
        assertThat(corp.clientIds()).containsExactly("portal");
    }

    @Test
    @DisplayName("the hardening options: trusted audiences, nonce, per-identity login limit and replay cache; the engine's defaults when unset")
    void hardening() {
        ServerConfig c = ServerConfig.load(Map.of(
                "PORTCULLIS_OIDC_CORP_ISSUER", "https://sso.example.com",
                "PORTCULLIS_OIDC_CORP_CLIENT_IDS", "portal",
                "PORTCULLIS_OIDC_CORP_TRUSTED_AUDIENCES", "https://api.example.com, billing",
                "PORTCULLIS_OIDC_CORP_REQUIRE_NONCE", "true",
                "PORTCULLIS_OIDC_CORP_SUBJECT_LOGIN_LIMIT", "5",
                "PORTCULLIS_OIDC_CORP_SUBJECT_LOGIN_WINDOW", "2m",
                "PORTCULLIS_OIDC_CORP_REPLAY_CACHE_SIZE", "5000",
                "PORTCULLIS_OIDC_PLAIN_ISSUER", "https://plain.example.com",
                "PORTCULLIS_OIDC_PLAIN_CLIENT_IDS", "app"), dir);
        OpenIdProvider corp = c.openIdProviders().get(0);
        assertThat(corp.trustedAudiences()).containsExactlyInAnyOrder("https://api.example.com", "billing");
        assertThat(corp.requireNonce()).isTrue();
        assertThat(corp.subjectLoginLimit()).isEqualTo(5);
        assertThat(corp.subjectLoginWindow()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(corp.replayCacheSize()).isEqualTo(5000);
        OpenIdProvider plain = c.openIdProviders().get(1);
        OpenIdProvider engine = OpenIdProvider.builder("plain").issuer("https://plain.example.com").clientIds("app").build();
        assertThat(plain.trustedAudiences()).isEqualTo(engine.trustedAudiences()).isEmpty();
        assertThat(plain.requireNonce()).isEqualTo(engine.requireNonce()).isFalse();
        assertThat(plain.subjectLoginLimit()).isEqualTo(engine.subjectLoginLimit());
        assertThat(plain.subjectLoginWindow()).isEqualTo(engine.subjectLoginWindow());
        assertThat(plain.replayCacheSize()).isEqualTo(engine.replayCacheSize());
        assertThat(c.describe()).contains("portcullis.oidc.corp.trusted-audiences = billing,https://api.example.com    # "
                + "PORTCULLIS_OIDC_CORP_TRUSTED_AUDIENCES\n", "portcullis.oidc.corp.subject-login-window = 2m");
    }

    @Test
    @DisplayName("a bad hardening value stops the start, naming the setting")
    void badHardening() {
        Map<String, String> base = Map.of("PORTCULLIS_OIDC_X_ISSUER", "https://x.example", "PORTCULLIS_OIDC_X_CLIENT_IDS", "c");
        for (Map.Entry<String, String> bad : java.util.List.of(
                Map.entry("PORTCULLIS_OIDC_X_REQUIRE_NONCE", "sometimes"),
                Map.entry("PORTCULLIS_OIDC_X_SUBJECT_LOGIN_LIMIT", "0"),
                Map.entry("PORTCULLIS_OIDC_X_SUBJECT_LOGIN_WINDOW", "0s"),
                Map.entry("PORTCULLIS_OIDC_X_REPLAY_CACHE_SIZE", "10"),
                Map.entry("PORTCULLIS_OIDC_X_REPLAY_CACHE_SIZE", "many"))) {
            Map<String, String> env = new java.util.HashMap<>(base);
            env.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> ServerConfig.load(env, dir)).as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.getKey());
        }
        Map<String, String> window = new java.util.HashMap<>(base);
        window.put("PORTCULLIS_OIDC_X_SUBJECT_LOGIN_WINDOW", "soon");
        assertThatThrownBy(() -> ServerConfig.load(window, dir)).hasMessageContaining("PORTCULLIS_OIDC_X_SUBJECT_LOGIN_WINDOW")
                .hasMessageContaining("not a duration");
    }

    @Test
    @DisplayName("the properties file is read too, and the environment wins over it")
    void fromFile() throws IOException {
        Files.writeString(dir.resolve("portcullis.properties"), String.join("\n",
                "portcullis.oidc.entra.issuer=https://login.microsoftonline.com/tid/v2.0",
                "portcullis.oidc.entra.client-ids=from-file",
                "portcullis.oidc.entra.link-by-verified-email=true"));
        ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_OIDC_ENTRA_CLIENT_IDS", "from-env"), dir);
        assertThat(c.openIdProviders()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("entra");
            assertThat(p.clientIds()).containsExactly("from-env");
            assertThat(p.linkByVerifiedEmail()).isTrue();
        });
    }

    @Test
    @DisplayName("a provider without client ids, with a plain-http issuer, or with a bad flag is refused, naming the setting")
    void refused() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_OIDC_X_ISSUER", "https://x.example"), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORTCULLIS_OIDC_X_CLIENT_IDS");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_OIDC_X_ISSUER", "http://x.example",
                "PORTCULLIS_OIDC_X_CLIENT_IDS", "c"), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issuer must be an https URL");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_OIDC_X_ISSUER", "https://x.example",
                "PORTCULLIS_OIDC_X_CLIENT_IDS", "c", "PORTCULLIS_OIDC_X_JIT", "maybe"), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORTCULLIS_OIDC_X_JIT");
    }

    @Test
    @DisplayName("--print-config shows each provider's effective settings")
    void described() {
        String printed = ServerConfig.load(Map.of("PORTCULLIS_OIDC_CORP_ISSUER", "https://sso.example.com",
                "PORTCULLIS_OIDC_CORP_CLIENT_IDS", "b,a"), dir).describe();
        assertThat(printed).contains("portcullis.oidc.corp.issuer = https://sso.example.com    # PORTCULLIS_OIDC_CORP_ISSUER\n")
                .contains("portcullis.oidc.corp.client-ids = a,b    # PORTCULLIS_OIDC_CORP_CLIENT_IDS\n")
                .contains("portcullis.oidc.corp.jit = false")
                .contains("portcullis.oidc.corp.discovery-url = https://sso.example.com/.well-known/openid-configuration");
    }

    @Test
    @DisplayName("a misspelt provider setting is an unknown setting, not silently ignored")
    void typo() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_OIDC_X_ISSUR", "https://x.example"), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown setting");
    }

    @Test
    @DisplayName("docs/server-configuration.md lists every provider setting by both spellings")
    void documented() throws IOException {
        String text = Files.readString(Path.of("..", "docs", "server-configuration.md"));
        for (OidcSettings.Key k : OidcSettings.Key.values()) {
            assertThat(text).contains("`" + k.property("<id>") + "`").contains("`" + k.env("<ID>") + "`").contains(k.description);
        }
    }
}

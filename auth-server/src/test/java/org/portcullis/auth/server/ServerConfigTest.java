package org.portcullis.auth.server;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The server configuration")
class ServerConfigTest {

    private static final String KEK = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    @Nested
    @DisplayName("sources")
    class Sources {

        @Test
        @DisplayName("defaults to localhost:8080, an H2 file under ./data, a demo user and 20-minute tokens")
        void defaults() {
            ServerConfig c = ServerConfig.defaults(dir);
            assertThat(c.host()).isEqualTo("localhost");
            assertThat(c.port()).isEqualTo(8080);
            assertThat(c.dbUrl()).isEqualTo("jdbc:h2:file:" + dir.toAbsolutePath().resolve("data").resolve("portcullis"));
            assertThat(c.dbUser()).isEqualTo("sa");
            assertThat(c.isH2File()).isTrue();
            assertThat(c.demoSeed()).isTrue();
            assertThat(c.demoUser()).isEqualTo("demo");
            assertThat(c.demoPassword()).isEmpty();
            assertThat(c.engine().accessTokenLifetime()).isEqualTo(java.time.Duration.ofMinutes(20));
            assertThat(c.trustedProxies()).isEmpty();
            assertThat(c.maxBodyBytes()).isEqualTo(16384);
        }

        @Test
        @DisplayName("seeds the demo user only on the default H2 file: never on a database given by URL")
        void demoOnlyOnTheDefaultFile() {
            assertThat(ServerConfig.defaults(dir).isDefaultDatabase()).isTrue();
            for (String url : List.of("jdbc:postgresql://db/app", "jdbc:h2:file:" + dir.resolve("data").resolve("portcullis"))) {
                ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_DB_URL", url, "PORTCULLIS_KEK", KEK), dir);
                assertThat(c.isDefaultDatabase()).as(url).isFalse();
                assertThat(c.demoSeed()).as(url).isFalse();
            }
        }

        @Test
        @DisplayName("PORTCULLIS_TOKEN_ENCRYPTION turns access-token encryption on; ecdh-es without its key is refused by name")
        void tokenEncryption() {
            assertThat(ServerConfig.defaults(dir).engine().keys().tokenEncryption().enabled()).isFalse();
            assertThat(ServerConfig.load(Map.of("PORTCULLIS_TOKEN_ENCRYPTION", "dir"), dir).engine().keys().tokenEncryption())
                    .isEqualTo(org.portcullis.auth.api.AuthSettings.TokenEncryption.direct());
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_TOKEN_ENCRYPTION", "ecdh-es"), dir))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORTCULLIS_TOKEN_ENCRYPTION_KEY");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_TOKEN_ENCRYPTION", "sometimes"), dir))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORTCULLIS_TOKEN_ENCRYPTION");
        }

        @Test
        @DisplayName("refuses demo.seed=true together with a database URL, naming both settings")
        void demoWithUrlRefused() {
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_DB_URL", "jdbc:postgresql://db/app",
                    "PORTCULLIS_DEMO_SEED", "true"), dir))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PORTCULLIS_DEMO_SEED").hasMessageContaining("PORTCULLIS_DB_URL");
            assertThat(ServerConfig.load(Map.of("PORTCULLIS_DB_URL", "jdbc:postgresql://db/app",
                    "PORTCULLIS_DEMO_SEED", "false"), dir).demoSeed()).isFalse();
        }

        @Test
        @DisplayName("reads portcullis.properties in the working directory, with the seed's JwtSettings:ExpireMinutes key")
        void propertiesFile() throws IOException {
            Files.writeString(dir.resolve("portcullis.properties"),
                    "portcullis.port=9090\nJwtSettings\\:ExpireMinutes=45\nPORTCULLIS_DEMO_USER=root\n");
            ServerConfig c = ServerConfig.load(Map.of(), dir);
            assertThat(c.port()).isEqualTo(9090);
            assertThat(c.engine().accessTokenLifetime()).isEqualTo(java.time.Duration.ofMinutes(45));
            assertThat(c.demoUser()).isEqualTo("root");
        }

        @Test
        @DisplayName("lets environment variables override the file, JwtSettings__ExpireMinutes included")
        void envWins() throws IOException {
            Files.writeString(dir.resolve("portcullis.properties"), "portcullis.port=9090\nJwtSettings\\:ExpireMinutes=45\n");
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_PORT", "7070", "JwtSettings__ExpireMinutes", "5",
                    "PORTCULLIS_TRUSTED_PROXIES", "10.0.0.0/8, ::1"), dir);
            assertThat(c.port()).isEqualTo(7070);
            assertThat(c.engine().accessTokenLifetime()).isEqualTo(java.time.Duration.ofMinutes(5));
            assertThat(c.trustedProxies()).containsExactly("10.0.0.0/8", "::1");
        }

        @Test
        @DisplayName("reads the file named by PORTCULLIS_CONFIG, and refuses one that does not exist")
        void configPath() throws IOException {
            Files.writeString(dir.resolve("other.properties"), "portcullis.db.url=jdbc:postgresql://db/portcullis\n");
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_CONFIG", "other.properties"), dir);
            assertThat(c.dbUrl()).isEqualTo("jdbc:postgresql://db/portcullis");
            assertThat(c.dbUser()).isEmpty();
            assertThat(c.isH2File()).isFalse();
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_CONFIG", "missing.properties"), dir))
                    .hasMessageContaining("PORTCULLIS_CONFIG");
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {

        @Test
        @DisplayName("names the bad setting")
        void badValues() {
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_PORT", "eighty"), dir))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORTCULLIS_PORT");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("JwtSettings__ExpireMinutes", "0"), dir))
                    .hasMessageContaining("JwtSettings:ExpireMinutes");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_DB_URL", "jdbc:mysql://x/y"), dir))
                    .hasMessageContaining("PORTCULLIS_DB_URL");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_DEMO_SEED", "maybe"), dir))
                    .hasMessageContaining("PORTCULLIS_DEMO_SEED");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_THROTTLING_BASE_DELAY", "soon"), dir))
                    .hasMessageContaining("portcullis.throttling.base-delay (PORTCULLIS_THROTTLING_BASE_DELAY)");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_SIGNING_ALGORITHM", "none"), dir))
                    .hasMessageContaining("PORTCULLIS_SIGNING_ALGORITHM").hasMessageContaining("EdDSA");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_HEADER_TIMEOUT", "0s"), dir))
                    .hasMessageContaining("PORTCULLIS_HEADER_TIMEOUT");
        }

        @Test
        @DisplayName("a combination the engine refuses is reported in the operator's names, not the engine's")
        void engineCombination() {
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_REFRESH_IDLE_TIMEOUT", "1m",
                    "PORTCULLIS_ACCESS_TOKEN_LIFETIME", "5m"), dir))
                    .hasMessageContaining("portcullis.refresh-idle-timeout (PORTCULLIS_REFRESH_IDLE_TIMEOUT)")
                    .hasMessageContaining("portcullis.access-token-lifetime (PORTCULLIS_ACCESS_TOKEN_LIFETIME)");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_THROTTLING_BASE_DELAY", "1h",
                    "PORTCULLIS_THROTTLING_MAX_DELAY", "1m"), dir))
                    .hasMessageContaining("portcullis.throttling.max-delay (PORTCULLIS_THROTTLING_MAX_DELAY)");
        }

        @Test
        @DisplayName("an unknown PORTCULLIS_ variable or portcullis. key is refused by name, so a typo is not silently ignored")
        void unknown() throws IOException {
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_ACESS_TOKEN_LIFETIME", "5m"), dir))
                    .hasMessageContaining("PORTCULLIS_ACESS_TOKEN_LIFETIME");
            Files.writeString(dir.resolve("portcullis.properties"), "portcullis.throttling.widow=5m\nunrelated.key=1\n");
            assertThatThrownBy(() -> ServerConfig.load(Map.of(), dir)).hasMessageContaining("portcullis.throttling.widow")
                    .hasMessageNotContaining("unrelated.key");
        }

        @Test
        @DisplayName("never prints a password or a key")
        void redacted() {
            String kek = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_DB_PASSWORD", "db-secret", "PORTCULLIS_DEMO_PASSWORD",
                    "demo-secret", "PORTCULLIS_KEK", kek, "PORTCULLIS_TLS_KEYSTORE_PASSWORD", "ks-secret"), dir);
            for (String printed : List.of(c.toString(), c.describe())) {
                assertThat(printed).doesNotContain("db-secret").doesNotContain("demo-secret").doesNotContain(kek)
                        .doesNotContain("ks-secret");
            }
            assertThat(c.describe()).contains("portcullis.db.password = <redacted>", "portcullis.kek = <redacted>");
        }
    }

    @Nested
    @DisplayName("one naming rule for every setting")
    class Naming {

        @Test
        @DisplayName("each name gives portcullis.<name> and PORTCULLIS_<NAME> with dots and hyphens as underscores")
        void rule() {
            for (Setting s : ServerConfig.catalogue()) {
                assertThat(s.name()).matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*");
                assertThat(s.property()).isEqualTo("portcullis." + s.name());
                assertThat(s.env()).isEqualTo("PORTCULLIS_" + s.name().toUpperCase(java.util.Locale.ROOT).replaceAll("[.-]", "_"));
            }
            assertThat(ServerConfig.ACCESS_TOKEN_LIFETIME.env()).isEqualTo("PORTCULLIS_ACCESS_TOKEN_LIFETIME");
            assertThat(ServerConfig.THROTTLING_BASE_DELAY.property()).isEqualTo("portcullis.throttling.base-delay");
        }

        @Test
        @DisplayName("every engine setting, nested throttling and cleanup included, is read from the environment and from the file")
        void everyEngineSetting() throws IOException {
            Map<String, String> env = new java.util.HashMap<>();
            StringBuilder file = new StringBuilder();
            env.put("PORTCULLIS_ISSUER", "https://auth.example");
            file.append("portcullis.audience=orders\n");
            env.put("PORTCULLIS_ACCESS_TOKEN_LIFETIME", "7m");
            file.append("portcullis.refresh-idle-timeout=2d\n");
            env.put("PORTCULLIS_ABSOLUTE_SESSION_LIFETIME", "10d");
            file.append("portcullis.clock-skew=10s\n");
            env.put("PORTCULLIS_REFRESH_GRACE_WINDOW", "0s");
            file.append("PORTCULLIS_MAX_SESSIONS_PER_USER=3\n");
            env.put("PORTCULLIS_SESSION_LIMIT_POLICY", "reject");
            file.append("portcullis.max-token-bytes=4096\n");
            env.put("PORTCULLIS_TOKEN_CACHE_SIZE", "500");
            file.append("portcullis.session-status-ttl=2s\n");
            env.put("PORTCULLIS_SIGNING_ALGORITHM", "ES256");
            file.append("portcullis.key-reload-interval=30s\n");
            env.put("PORTCULLIS_THROTTLING_WINDOW", "5m");
            file.append("portcullis.throttling.pair-free-attempts=3\n");
            env.put("PORTCULLIS_THROTTLING_IP_FREE_ATTEMPTS", "7");
            file.append("portcullis.throttling.user-free-attempts=9\n");
            env.put("PORTCULLIS_THROTTLING_BASE_DELAY", "2s");
            file.append("portcullis.throttling.max-delay=1m\n");
            env.put("PORTCULLIS_THROTTLING_STUFFING_DISTINCT_USERNAMES", "4");
            file.append("portcullis.throttling.account-max-failures=100\n");
            env.put("PORTCULLIS_THROTTLING_ACCOUNT_WINDOW", "12h");
            file.append("portcullis.throttling.device-token-lifetime=30d\n");
            env.put("PORTCULLIS_THROTTLING_STUFFING_GLOBAL_FAILURES", "80");
            file.append("portcullis.cleanup.interval=0s\n");
            env.put("PORTCULLIS_CLEANUP_BATCH_SIZE", "50");
            file.append("portcullis.cleanup.revoked-retention=3d\n");
            env.put("PORTCULLIS_CLEANUP_AUDIT_RETENTION", "90d");
            Files.writeString(dir.resolve("portcullis.properties"), file);
            org.portcullis.auth.api.AuthSettings e = ServerConfig.load(env, dir).engine();
            java.time.Duration m = java.time.Duration.ofMinutes(1);
            assertThat(e.issuer()).isEqualTo("https://auth.example");
            assertThat(e.audience()).isEqualTo("orders");
            assertThat(e.accessTokenLifetime()).isEqualTo(m.multipliedBy(7));
            assertThat(e.refreshIdleTimeout()).isEqualTo(java.time.Duration.ofDays(2));
            assertThat(e.absoluteSessionLifetime()).isEqualTo(java.time.Duration.ofDays(10));
            assertThat(e.clockSkew()).isEqualTo(java.time.Duration.ofSeconds(10));
            assertThat(e.refreshGraceWindow()).isZero();
            assertThat(e.maxSessionsPerUser()).isEqualTo(3);
            assertThat(e.sessionLimitPolicy()).isEqualTo(org.portcullis.auth.api.SessionLimitPolicy.REJECT);
            assertThat(e.maxTokenBytes()).isEqualTo(4096);
            assertThat(e.tokenCacheSize()).isEqualTo(500);
            assertThat(e.sessionStatusTtl()).isEqualTo(java.time.Duration.ofSeconds(2));
            assertThat(e.signingAlgorithm()).isEqualTo(org.portcullis.auth.api.SigningAlgorithm.ES256);
            assertThat(e.keyReloadInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
            assertThat(e.throttling()).isEqualTo(org.portcullis.auth.api.AuthSettings.Throttling.builder().window(m.multipliedBy(5))
                    .pairFreeAttempts(3).ipFreeAttempts(7).userFreeAttempts(9).baseDelay(java.time.Duration.ofSeconds(2))
                    .maxDelay(m).stuffingDistinctUsernames(4).accountMaxFailures(100).accountWindow(java.time.Duration.ofHours(12))
                    .deviceTokenLifetime(java.time.Duration.ofDays(30)).stuffingGlobalFailures(80)
                    .build());
            assertThat(e.cleanup()).isEqualTo(org.portcullis.auth.api.AuthSettings.Cleanup.builder().interval(java.time.Duration.ZERO)
                    .batchSize(50).revokedRetention(java.time.Duration.ofDays(3)).auditRetention(java.time.Duration.ofDays(90)).build());
        }

        @Test
        @DisplayName("the defaults are the engine's own")
        void engineDefaults() {
            assertThat(ServerConfig.defaults(dir).engine()).isEqualTo(org.portcullis.auth.api.AuthSettings.defaults());
        }

        @Test
        @DisplayName("JwtSettings__ExpireMinutes and JwtSettings:ExpireMinutes still set the access-token lifetime; the new name wins over them")
        void legacyName() throws IOException {
            assertThat(ServerConfig.load(Map.of("JwtSettings__ExpireMinutes", "9"), dir).engine().accessTokenLifetime())
                    .isEqualTo(java.time.Duration.ofMinutes(9));
            assertThat(ServerConfig.load(Map.of("JwtSettings__ExpireMinutes", "9", "PORTCULLIS_ACCESS_TOKEN_LIFETIME", "90s"), dir)
                    .engine().accessTokenLifetime()).isEqualTo(java.time.Duration.ofSeconds(90));
        }

        @Test
        @DisplayName("a secret is read from the file *_FILE names, without its final line break; given both ways it is refused")
        void secretFiles() throws IOException {
            Files.writeString(dir.resolve("db-password"), "s3cret value\n");
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_DB_PASSWORD_FILE", "db-password"), dir);
            assertThat(c.dbPassword()).isEqualTo("s3cret value");
            assertThat(c.describe()).doesNotContain("s3cret").contains("portcullis.db.password = <redacted>");
            Files.writeString(dir.resolve("portcullis.properties"), "portcullis.tls.keystore-password-file=ks\n");
            Files.writeString(dir.resolve("ks"), "keystore-pw");
            assertThat(ServerConfig.load(Map.of(), dir).tlsKeystorePassword()).isEqualTo("keystore-pw");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_DB_PASSWORD_FILE", "db-password",
                    "PORTCULLIS_DB_PASSWORD", "other"), dir)).hasMessageContaining("PORTCULLIS_DB_PASSWORD");
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_KEK_FILE", "missing"), dir))
                    .hasMessageContaining("PORTCULLIS_KEK_FILE");
        }
    }

    @Nested
    @DisplayName("the key-encryption key")
    class Kek {

        @Test
        @DisplayName("is taken from PORTCULLIS_KEK, whose value never appears in an error")
        void fromEnv() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String b64 = Base64.getEncoder().encodeToString(key);
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_KEK", b64), dir);
            assertThat(KeyEncryptionKeys.resolve(c, new SecureRandom()).getEncoded()).isEqualTo(key);
            assertThatThrownBy(() -> ServerConfig.load(Map.of("PORTCULLIS_KEK", "c2hvcnQ="), dir))
                    .hasMessageContaining("PORTCULLIS_KEK").hasMessageNotContaining("c2hvcnQ");
            assertThat(dir.resolve("data")).doesNotExist();
        }

        @Test
        @DisplayName("is generated once for an H2 file, kept beside it with 0600 permissions, and read back later")
        void generated() throws IOException {
            ServerConfig c = ServerConfig.defaults(dir);
            byte[] first = KeyEncryptionKeys.resolve(c, new SecureRandom()).getEncoded();
            Path file = dir.resolve("data").resolve("portcullis.kek");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThat(KeyEncryptionKeys.resolve(c, new SecureRandom()).getEncoded()).isEqualTo(first);
        }

        @Test
        @DisplayName("is required for a shared database")
        void requiredForPostgres() {
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_DB_URL", "jdbc:postgresql://db/portcullis"), dir);
            assertThatThrownBy(() -> KeyEncryptionKeys.resolve(c, new SecureRandom())).hasMessageContaining("PORTCULLIS_KEK");
        }

        @Test
        @DisplayName("lives beside a custom H2 file")
        void customFile() {
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_DB_URL", "jdbc:h2:file:./db/auth;MODE=LEGACY"), dir);
            assertThat(KeyEncryptionKeys.keyFileFor(c)).isEqualTo(dir.toAbsolutePath().resolve("db").resolve("auth.kek"));
        }
    }

    @Test
    @DisplayName("docs/server-configuration.md lists every server setting with its environment variable")
    void docsListEverySetting() throws IOException {
        Path readme = Path.of("..", "docs", "server-configuration.md");
        String text = Files.readString(readme);
        for (Setting s : ServerConfig.catalogue()) {
            assertThat(text).contains("`" + s.property() + "`").contains("`" + s.env() + "`").contains(s.description());
        }
        assertThat(text).contains("PORTCULLIS_CONFIG");
    }
}

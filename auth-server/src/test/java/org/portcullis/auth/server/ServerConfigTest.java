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
            assertThat(c.jwtExpireMinutes()).isEqualTo(20);
            assertThat(c.trustedProxies()).isEmpty();
            assertThat(c.maxBodyBytes()).isEqualTo(16384);
        }

        @Test
        @DisplayName("reads portcullis.properties in the working directory, with the seed's JwtSettings:ExpireMinutes key")
        void propertiesFile() throws IOException {
            Files.writeString(dir.resolve("portcullis.properties"),
                    "portcullis.port=9090\nJwtSettings\\:ExpireMinutes=45\nPORTCULLIS_DEMO_USER=root\n");
            ServerConfig c = ServerConfig.load(Map.of(), dir);
            assertThat(c.port()).isEqualTo(9090);
            assertThat(c.jwtExpireMinutes()).isEqualTo(45);
            assertThat(c.demoUser()).isEqualTo("root");
        }

        @Test
        @DisplayName("lets environment variables override the file, JwtSettings__ExpireMinutes included")
        void envWins() throws IOException {
            Files.writeString(dir.resolve("portcullis.properties"), "portcullis.port=9090\nJwtSettings\\:ExpireMinutes=45\n");
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_PORT", "7070", "JwtSettings__ExpireMinutes", "5",
                    "PORTCULLIS_TRUSTED_PROXIES", "10.0.0.0/8, ::1"), dir);
            assertThat(c.port()).isEqualTo(7070);
            assertThat(c.jwtExpireMinutes()).isEqualTo(5);
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
        }

        @Test
        @DisplayName("never prints a password or a key")
        void redacted() {
            ServerConfig c = ServerConfig.load(Map.of("PORTCULLIS_DB_PASSWORD", "db-secret", "PORTCULLIS_DEMO_PASSWORD",
                    "demo-secret", "PORTCULLIS_KEK", "a2V5LXNlY3JldA=="), dir);
            assertThat(c.toString()).doesNotContain("db-secret").doesNotContain("demo-secret").doesNotContain("a2V5LXNlY3JldA");
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
            ServerConfig bad = ServerConfig.load(Map.of("PORTCULLIS_KEK", "c2hvcnQ="), dir);
            assertThatThrownBy(() -> KeyEncryptionKeys.resolve(bad, new SecureRandom()))
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
    @DisplayName("docs/server.md lists every server setting with its environment variable")
    void readmeListsEverySetting() throws IOException {
        Path readme = Path.of("..", "docs", "server.md");
        String text = Files.readString(readme);
        List<String[]> rows = ServerConfig.table();
        for (String[] row : rows) {
            assertThat(text).contains(row[0]).contains(row[1]);
        }
        assertThat(text).contains("PORTCULLIS_CONFIG");
    }
}

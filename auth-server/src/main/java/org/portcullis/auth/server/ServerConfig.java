package org.portcullis.auth.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Configuration of the standalone server, read from environment variables and a properties file.
 *
 * <p>Each setting has a property key (for the file) and an environment variable; the environment
 * wins over the file, and the file over the default. The file is {@code portcullis.properties} in
 * the working directory, or the path in {@code PORTCULLIS_CONFIG}; it may use either spelling of a
 * key. The access-token lifetime follows the platform the API comes from: property
 * {@code JwtSettings:ExpireMinutes}, environment variable {@code JwtSettings__ExpireMinutes}.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>property</th><th>environment</th><th>default</th></tr>
 * <tr><td>portcullis.host</td><td>PORTCULLIS_HOST</td><td>localhost</td></tr>
 * <tr><td>portcullis.port</td><td>PORTCULLIS_PORT</td><td>8080</td></tr>
 * <tr><td>portcullis.db.url</td><td>PORTCULLIS_DB_URL</td><td>jdbc:h2:file:./data/portcullis (absolute, under the working directory)</td></tr>
 * <tr><td>portcullis.db.user</td><td>PORTCULLIS_DB_USER</td><td>sa</td></tr>
 * <tr><td>portcullis.db.password</td><td>PORTCULLIS_DB_PASSWORD</td><td>(empty)</td></tr>
 * <tr><td>portcullis.kek</td><td>PORTCULLIS_KEK</td><td>for an H2 file: generated into portcullis.kek next to the database</td></tr>
 * <tr><td>portcullis.demo.seed</td><td>PORTCULLIS_DEMO_SEED</td><td>true</td></tr>
 * <tr><td>portcullis.demo.user</td><td>PORTCULLIS_DEMO_USER</td><td>demo</td></tr>
 * <tr><td>portcullis.demo.password</td><td>PORTCULLIS_DEMO_PASSWORD</td><td>random, printed when the user is created</td></tr>
 * <tr><td>JwtSettings:ExpireMinutes</td><td>JwtSettings__ExpireMinutes</td><td>20</td></tr>
 * <tr><td>portcullis.trustedProxies</td><td>PORTCULLIS_TRUSTED_PROXIES</td><td>(none)</td></tr>
 * <tr><td>portcullis.threads</td><td>PORTCULLIS_THREADS</td><td>16</td></tr>
 * <tr><td>portcullis.http.maxBodyBytes</td><td>PORTCULLIS_MAX_BODY_BYTES</td><td>16384</td></tr>
 * <tr><td>portcullis.http.maxHeaderBytes</td><td>PORTCULLIS_MAX_HEADER_BYTES</td><td>16384</td></tr>
 * <tr><td>portcullis.http.headerTimeout</td><td>PORTCULLIS_HEADER_TIMEOUT</td><td>10s</td></tr>
 * <tr><td>portcullis.http.bodyTimeout</td><td>PORTCULLIS_BODY_TIMEOUT</td><td>10s</td></tr>
 * <tr><td>portcullis.http.idleTimeout</td><td>PORTCULLIS_IDLE_TIMEOUT</td><td>60s</td></tr>
 * <tr><td>portcullis.tls.keystore</td><td>PORTCULLIS_TLS_KEYSTORE</td><td>(none: plain HTTP)</td></tr>
 * <tr><td>portcullis.tls.keystorePassword</td><td>PORTCULLIS_TLS_KEYSTORE_PASSWORD</td><td>(empty)</td></tr>
 * </table>
 *
 * <p>{@link #toString()} prints no password and no key. Immutable.
 *
 * @param host             interface to listen on
 * @param port             TCP port; 0 picks a free one
 * @param dbUrl            JDBC URL of an H2 or PostgreSQL database
 * @param dbUser           database user
 * @param dbPassword       database password
 * @param kekBase64        the key-encryption key for signing keys at rest (base64 of 16, 24 or 32 bytes), if given
 * @param dataDirectory    where the default H2 database and a generated key-encryption key live
 * @param demoSeed         whether to create the demo user
 * @param demoUser         the demo user's name
 * @param demoPassword     the demo user's password, if given
 * @param jwtExpireMinutes access-token lifetime in minutes
 * @param trustedProxies   proxies whose X-Forwarded-For is believed (IPs or CIDR ranges)
 * @param threads          request worker threads
 * @param maxBodyBytes     request body cap
 * @param maxHeaderBytes   request header cap
 * @param headerTimeout    how long a client may take to send its request headers, once begun
 * @param bodyTimeout      how long a client may take to send its request body
 * @param idleTimeout      how long a connection may stay silent before it is closed
 * @param tlsKeystore      a PKCS#12 keystore holding the server's key and certificate; HTTPS when given
 * @param tlsKeystorePassword the keystore's password
 */
public record ServerConfig(String host, int port, String dbUrl, String dbUser, String dbPassword,
                           Optional<String> kekBase64, Path dataDirectory, boolean demoSeed, String demoUser,
                           Optional<String> demoPassword, int jwtExpireMinutes, List<String> trustedProxies,
                           int threads, int maxBodyBytes, int maxHeaderBytes, Duration headerTimeout,
                           Duration bodyTimeout, Duration idleTimeout, Optional<Path> tlsKeystore,
                           String tlsKeystorePassword) {

    /** Names of the configuration file's environment variable and default file. */
    public static final String CONFIG_ENV = "PORTCULLIS_CONFIG";
    public static final String DEFAULT_CONFIG_FILE = "portcullis.properties";

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        Objects.requireNonNull(dbUrl, "dbUrl");
        if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("PORTCULLIS_DB_URL must be a jdbc:h2: or jdbc:postgresql: URL");
        }
        dbUser = Objects.requireNonNullElse(dbUser, "");
        dbPassword = Objects.requireNonNullElse(dbPassword, "");
        Objects.requireNonNull(kekBase64, "kekBase64");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(demoUser, "demoUser");
        if (demoUser.isBlank()) {
            throw new IllegalArgumentException("PORTCULLIS_DEMO_USER must not be blank");
        }
        Objects.requireNonNull(demoPassword, "demoPassword");
        if (jwtExpireMinutes < 1 || jwtExpireMinutes > 24 * 60) {
            throw new IllegalArgumentException("JwtSettings:ExpireMinutes must be between 1 and 1440: " + jwtExpireMinutes);
        }
        trustedProxies = List.copyOf(trustedProxies);
        if (threads < 1 || threads > 512) {
            throw new IllegalArgumentException("PORTCULLIS_THREADS must be between 1 and 512: " + threads);
        }
        positive(headerTimeout, Key.HEADER_TIMEOUT);
        positive(bodyTimeout, Key.BODY_TIMEOUT);
        positive(idleTimeout, Key.IDLE_TIMEOUT);
        Objects.requireNonNull(tlsKeystore, "tlsKeystore");
        tlsKeystorePassword = Objects.requireNonNullElse(tlsKeystorePassword, "");
    }

    private static void positive(Duration d, Key key) {
        Objects.requireNonNull(d, key.property);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key.property + " / " + key.env + " must be longer than zero: " + d);
        }
    }

    /** One setting: its property key, environment variable, and default. */
    enum Key {
        HOST("portcullis.host", "PORTCULLIS_HOST", "localhost"),
        PORT("portcullis.port", "PORTCULLIS_PORT", "8080"),
        DB_URL("portcullis.db.url", "PORTCULLIS_DB_URL", null),
        DB_USER("portcullis.db.user", "PORTCULLIS_DB_USER", null),
        DB_PASSWORD("portcullis.db.password", "PORTCULLIS_DB_PASSWORD", ""),
        KEK("portcullis.kek", "PORTCULLIS_KEK", null),
        DEMO_SEED("portcullis.demo.seed", "PORTCULLIS_DEMO_SEED", "true"),
        DEMO_USER("portcullis.demo.user", "PORTCULLIS_DEMO_USER", "demo"),
        DEMO_PASSWORD("portcullis.demo.password", "PORTCULLIS_DEMO_PASSWORD", null),
        JWT_EXPIRE_MINUTES("JwtSettings:ExpireMinutes", "JwtSettings__ExpireMinutes", "20"),
        TRUSTED_PROXIES("portcullis.trustedProxies", "PORTCULLIS_TRUSTED_PROXIES", ""),
        THREADS("portcullis.threads", "PORTCULLIS_THREADS", "16"),
        MAX_BODY_BYTES("portcullis.http.maxBodyBytes", "PORTCULLIS_MAX_BODY_BYTES", "16384"),
        MAX_HEADER_BYTES("portcullis.http.maxHeaderBytes", "PORTCULLIS_MAX_HEADER_BYTES", "16384"),
        HEADER_TIMEOUT("portcullis.http.headerTimeout", "PORTCULLIS_HEADER_TIMEOUT", "10s"),
        BODY_TIMEOUT("portcullis.http.bodyTimeout", "PORTCULLIS_BODY_TIMEOUT", "10s"),
        IDLE_TIMEOUT("portcullis.http.idleTimeout", "PORTCULLIS_IDLE_TIMEOUT", "60s"),
        TLS_KEYSTORE("portcullis.tls.keystore", "PORTCULLIS_TLS_KEYSTORE", null),
        TLS_KEYSTORE_PASSWORD("portcullis.tls.keystorePassword", "PORTCULLIS_TLS_KEYSTORE_PASSWORD", "");

        final String property;
        final String env;
        final String fallback;

        Key(String property, String env, String fallback) {
            this.property = property;
            this.env = env;
            this.fallback = fallback;
        }
    }

    /**
     * Reads the configuration: environment first, then the properties file, then defaults.
     *
     * @param env        the environment (normally {@link System#getenv()})
     * @param workingDir the directory relative paths and the default database are resolved against
     * @throws IllegalArgumentException naming a bad setting, or a configured file that does not exist
     * @throws UncheckedIOException     when the file exists but cannot be read
     */
    public static ServerConfig load(Map<String, String> env, Path workingDir) {
        Path dir = workingDir.toAbsolutePath().normalize();
        Properties file = new Properties();
        String configured = env.get(CONFIG_ENV);
        Path path = configured != null && !configured.isBlank() ? dir.resolve(configured) : dir.resolve(DEFAULT_CONFIG_FILE);
        if (Files.isRegularFile(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                file.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        } else if (configured != null && !configured.isBlank()) {
            throw new IllegalArgumentException(CONFIG_ENV + " names a file that does not exist: " + path);
        }
        Source s = new Source(env, file);
        Path dataDir = dir.resolve("data");
        String dbUrl = s.get(Key.DB_URL).orElse("jdbc:h2:file:" + dataDir.resolve("portcullis"));
        String dbUser = s.get(Key.DB_USER).orElse(dbUrl.startsWith("jdbc:h2:") ? "sa" : "");
        return new ServerConfig(
                s.get(Key.HOST).orElseThrow(),
                s.integer(Key.PORT),
                dbUrl,
                dbUser,
                s.get(Key.DB_PASSWORD).orElse(""),
                s.get(Key.KEK),
                dataDir,
                s.bool(Key.DEMO_SEED),
                s.get(Key.DEMO_USER).orElseThrow(),
                s.get(Key.DEMO_PASSWORD),
                s.integer(Key.JWT_EXPIRE_MINUTES),
                Arrays.stream(s.get(Key.TRUSTED_PROXIES).orElse("").split(",")).map(String::strip)
                        .filter(p -> !p.isEmpty()).toList(),
                s.integer(Key.THREADS),
                s.integer(Key.MAX_BODY_BYTES),
                s.integer(Key.MAX_HEADER_BYTES),
                s.duration(Key.HEADER_TIMEOUT),
                s.duration(Key.BODY_TIMEOUT),
                s.duration(Key.IDLE_TIMEOUT),
                s.get(Key.TLS_KEYSTORE).map(dir::resolve),
                s.get(Key.TLS_KEYSTORE_PASSWORD).orElse(""));
    }

    /** The defaults, for a server whose files live under {@code workingDir}. */
    public static ServerConfig defaults(Path workingDir) {
        return load(Map.of(), workingDir);
    }

    /** Whether the database is an H2 file (the case where a key-encryption key may be generated). */
    public boolean isH2File() {
        return dbUrl.startsWith("jdbc:h2:file:") || (dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:h2:mem:")
                && !dbUrl.startsWith("jdbc:h2:tcp:") && !dbUrl.startsWith("jdbc:h2:ssl:"));
    }

    /** A copy listening on another port. */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dbUrl, dbUser, dbPassword, kekBase64, dataDirectory, demoSeed, demoUser,
                demoPassword, jwtExpireMinutes, trustedProxies, threads, maxBodyBytes, maxHeaderBytes, headerTimeout, bodyTimeout,
                idleTimeout, tlsKeystore, tlsKeystorePassword);
    }

    /** A copy on another database. */
    public ServerConfig withDatabase(String url, String user, String password) {
        return new ServerConfig(host, port, url, user, password, kekBase64, dataDirectory, demoSeed, demoUser,
                demoPassword, jwtExpireMinutes, trustedProxies, threads, maxBodyBytes, maxHeaderBytes, headerTimeout, bodyTimeout,
                idleTimeout, tlsKeystore, tlsKeystorePassword);
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser
                + ", dbPassword=***, kek=" + (kekBase64.isPresent() ? "***" : "(none)") + ", dataDirectory=" + dataDirectory
                + ", demoSeed=" + demoSeed + ", demoUser=" + demoUser + ", demoPassword=***"
                + ", jwtExpireMinutes=" + jwtExpireMinutes + ", trustedProxies=" + trustedProxies + ", threads=" + threads
                + ", maxBodyBytes=" + maxBodyBytes + ", maxHeaderBytes=" + maxHeaderBytes + ", headerTimeout=" + headerTimeout
                + ", bodyTimeout=" + bodyTimeout + ", idleTimeout=" + idleTimeout + ", tlsKeystore="
                + tlsKeystore.map(Path::toString).orElse("(none)") + ", tlsKeystorePassword=***]";
    }

    /** Looks a key up in the environment, then in the file under either spelling. */
    private record Source(Map<String, String> env, Properties file) {

        Optional<String> get(Key key) {
            String v = env.get(key.env);
            if (v == null) {
                v = file.getProperty(key.property);
            }
            if (v == null) {
                v = file.getProperty(key.env);
            }
            if (v == null) {
                v = key.fallback;
            }
            return v == null || v.isBlank() && key.fallback == null ? Optional.empty() : Optional.of(v.strip());
        }

        int integer(Key key) {
            String v = get(key).orElse("");
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key.property + " / " + key.env + " must be a whole number: '" + v + "'");
            }
        }

        Duration duration(Key key) {
            String v = get(key).orElse("");
            try {
                return Durations.parse(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key.property + " / " + key.env
                        + " must be a duration such as 30s, 500ms, 5m, 1h or PT30S: '" + v + "'");
            }
        }

        boolean bool(Key key) {
            String v = get(key).orElse("").toLowerCase(java.util.Locale.ROOT);
            return switch (v) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new IllegalArgumentException(key.property + " / " + key.env + " must be true or false: '" + v + "'");
            };
        }
    }

    /** Every setting as (property, environment variable, default) rows, for documentation. */
    static List<String[]> table() {
        List<String[]> rows = new ArrayList<>();
        for (Key k : Key.values()) {
            rows.add(new String[] {k.property, k.env, k.fallback == null ? "" : k.fallback});
        }
        return rows;
    }
}

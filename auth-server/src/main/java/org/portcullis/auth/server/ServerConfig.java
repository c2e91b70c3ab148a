package org.portcullis.auth.server;

import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.SessionLimitPolicy;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.core.OpenIdProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.portcullis.auth.server.Setting.Kind.BOOLEAN;
import static org.portcullis.auth.server.Setting.Kind.CHOICE;
import static org.portcullis.auth.server.Setting.Kind.DURATION;
import static org.portcullis.auth.server.Setting.Kind.INTEGER;
import static org.portcullis.auth.server.Setting.Kind.LIST;
import static org.portcullis.auth.server.Setting.Kind.PATH;
import static org.portcullis.auth.server.Setting.Kind.TEXT;

/**
 * Configuration of the standalone server and of the engine it runs, read from environment
 * variables and a properties file, every value validated before anything starts.
 *
 * <p><b>Names.</b> Every setting has one name from which both spellings follow (see
 * {@link Setting}): {@code portcullis.access-token-lifetime} in the file,
 * {@code PORTCULLIS_ACCESS_TOKEN_LIFETIME} in the environment. The file may use either spelling.
 * Secrets ({@code db.password}, {@code kek}, {@code demo.password}, {@code tls.keystore-password})
 * may come from a file instead: {@code PORTCULLIS_DB_PASSWORD_FILE=/run/secrets/db}. The
 * access-token lifetime also answers to the platform the API comes from, in minutes:
 * {@code JwtSettings__ExpireMinutes} (environment) and {@code JwtSettings:ExpireMinutes} (file).
 *
 * <p><b>Precedence.</b> The environment wins over the file, the file over the default. The file is
 * {@code portcullis.properties} in the working directory, or the one {@code PORTCULLIS_CONFIG} names.
 *
 * <p><b>Validation.</b> {@link #load} refuses, with an {@link IllegalArgumentException} naming the
 * setting by both spellings: a value of the wrong form, a value out of range, an engine combination
 * that {@link AuthSettings} rejects, a secret given both directly and by file, and a
 * {@code portcullis.*} key or {@code PORTCULLIS_*} variable that names no setting (a typo would
 * otherwise be silently ignored).
 *
 * <p>The full list with defaults is {@link #catalogue()}, printed by {@code --print-config} and
 * documented in {@code docs/server-configuration.md}. {@link #toString()} and
 * {@link #describe()} print no secret. Immutable and thread-safe.
 */
public final class ServerConfig {

    /** The environment variable naming the properties file. */
    public static final String CONFIG_ENV = "PORTCULLIS_CONFIG";
    /** The properties file read when {@value #CONFIG_ENV} is not set (optional). */
    public static final String DEFAULT_CONFIG_FILE = "portcullis.properties";

    static final String LEGACY_EXPIRE_ENV = "JwtSettings__ExpireMinutes";
    static final String LEGACY_EXPIRE_PROPERTY = "JwtSettings:ExpireMinutes";

    private static final AuthSettings ENGINE_DEFAULTS = AuthSettings.defaults();

    // --- the server's own settings -------------------------------------------------------------
    static final Setting HOST = Setting.of("host", TEXT, "localhost", "interface to listen on; plain HTTP off loopback logs a warning");
    static final Setting PORT = Setting.of("port", INTEGER, "8080", "TCP port; 0 picks a free one");
    static final Setting DB_URL = Setting.of("db.url", TEXT, null, "JDBC URL (jdbc:h2: or jdbc:postgresql:); default an H2 file ./data/portcullis");
    static final Setting DB_USER = Setting.of("db.user", TEXT, null, "database user; default sa for H2, empty otherwise");
    static final Setting DB_PASSWORD = Setting.secret("db.password", "database password");
    static final Setting DB_START_TIMEOUT = Setting.of("db.start-timeout", DURATION, "60s",
            "how long start-up (and an admin command) keeps trying to reach the database before it gives up with exit 1");
    static final Setting KEK = Setting.secret("kek", "key-encryption key for signing keys at rest, base64 of 16/24/32 bytes; "
            + "for an H2 file generated beside it when absent, otherwise required");
    static final Setting DEMO_SEED = Setting.of("demo.seed", BOOLEAN, "true",
            "create the demo user on start; only ever on the default H2 file, never on a database given by URL");
    static final Setting DEMO_USER = Setting.of("demo.user", TEXT, "demo", "the demo user's name");
    static final Setting DEMO_PASSWORD = Setting.secret("demo.password", "the demo user's password; default random, printed once");
    static final Setting TRUSTED_PROXIES = Setting.of("trusted-proxies", LIST, "", "proxies whose X-Forwarded-For is believed (IPs or CIDR ranges, comma-separated)")
            .withAliases("portcullis.trustedProxies");
    static final Setting THREADS = Setting.of("threads", INTEGER, "16", "request worker threads (1-512)");
    static final Setting MAX_BODY_BYTES = Setting.of("max-body-bytes", INTEGER, "16384", "request body cap; larger is a 413")
            .withAliases("portcullis.http.maxBodyBytes");
    static final Setting MAX_HEADER_BYTES = Setting.of("max-header-bytes", INTEGER, "16384", "request header cap; larger is a 431")
            .withAliases("portcullis.http.maxHeaderBytes");
    static final Setting HEADER_TIMEOUT = Setting.of("header-timeout", DURATION, "10s", "time a client has to finish its request headers once begun");
    static final Setting BODY_TIMEOUT = Setting.of("body-timeout", DURATION, "10s", "time a client has to send its request body");
    static final Setting IDLE_TIMEOUT = Setting.of("idle-timeout", DURATION, "60s", "a silent connection is closed after this");
    static final Setting TLS_KEYSTORE = Setting.of("tls.keystore", PATH, null, "PKCS#12 keystore with the server's key and certificate; HTTPS when set");
    static final Setting TLS_KEYSTORE_PASSWORD = Setting.secret("tls.keystore-password", "the keystore's password");
    static final Setting HTTP2 = Setting.of("http2", BOOLEAN, "false",
            "offer HTTP/2 beside HTTP/1.1: h2 chosen by ALPN with TLS, h2c (prior knowledge or Upgrade) without");
    static final Setting OPENAPI_ENABLED = Setting.of("openapi.enabled", BOOLEAN, "true",
            "serve the OpenAPI document at GET /openapi.yaml, without a token");
    static final Setting MANAGEMENT_PORT = Setting.of("management.port", INTEGER, null,
            "port of the management listener, which serves Prometheus metrics at /metrics; unset: no listener, no metrics");
    static final Setting MANAGEMENT_HOST = Setting.of("management.host", TEXT, "localhost",
            "interface of the management listener; expose it to the scraper only");

    // --- the engine's settings (AuthSettings); defaults are the engine's own -------------------
    static final Setting ISSUER = engine("issuer", TEXT, ENGINE_DEFAULTS.issuer(), "the tokens' iss");
    static final Setting AUDIENCE = engine("audience", TEXT, ENGINE_DEFAULTS.audience(), "the tokens' aud");
    static final Setting ACCESS_TOKEN_LIFETIME = engine("access-token-lifetime", DURATION, ENGINE_DEFAULTS.accessTokenLifetime(),
            "access-token lifetime; also JwtSettings__ExpireMinutes / JwtSettings:ExpireMinutes in minutes");
    static final Setting REFRESH_IDLE_TIMEOUT = engine("refresh-idle-timeout", DURATION, ENGINE_DEFAULTS.refreshIdleTimeout(),
            "a session ends unless refreshed within this");
    static final Setting ABSOLUTE_SESSION_LIFETIME = engine("absolute-session-lifetime", DURATION,
            ENGINE_DEFAULTS.absoluteSessionLifetime(), "a session ends this long after login whatever happens");
    static final Setting CLOCK_SKEW = engine("clock-skew", DURATION, ENGINE_DEFAULTS.clockSkew(), "tolerance for exp, nbf and iat (0-5m)");
    static final Setting REFRESH_GRACE_WINDOW = engine("refresh-grace-window", DURATION, ENGINE_DEFAULTS.refreshGraceWindow(),
            "a replay of the previous refresh token within this is a retry, not reuse (0-60s)");
    static final Setting MAX_SESSIONS_PER_USER = engine("max-sessions-per-user", INTEGER, ENGINE_DEFAULTS.maxSessionsPerUser(),
            "most active sessions per user; 0 for no limit");
    static final Setting SESSION_LIMIT_POLICY = engine("session-limit-policy", CHOICE, ENGINE_DEFAULTS.sessionLimitPolicy(),
            "at the limit: " + choices(SessionLimitPolicy.values()));
    static final Setting MAX_TOKEN_BYTES = engine("max-token-bytes", INTEGER, ENGINE_DEFAULTS.maxTokenBytes(),
            "longer access tokens are refused unparsed (512-65536)");
    static final Setting TOKEN_CACHE_SIZE = engine("token-cache-size", INTEGER, ENGINE_DEFAULTS.tokenCacheSize(),
            "verified tokens remembered per node");
    static final Setting SESSION_STATUS_TTL = engine("session-status-ttl", DURATION, ENGINE_DEFAULTS.sessionStatusTtl(),
            "how long a node trusts a session status it read; bounds how late another node's revocation shows (0-5m)");
    private static final SigningAlgorithm[] SIGNING_ONLY = Arrays.stream(SigningAlgorithm.values())
            .filter(SigningAlgorithm::signs).toArray(SigningAlgorithm[]::new);
    static final Setting SIGNING_ALGORITHM = Setting.of("signing-algorithm", CHOICE, null,
            "algorithm of new signing keys: " + choices(SIGNING_ONLY) + "; default EdDSA, or RS256 with jwks.enabled");
    static final Setting KEY_RELOAD_INTERVAL = engine("key-reload-interval", DURATION, ENGINE_DEFAULTS.keyReloadInterval(),
            "how often a node re-reads the key store");
    static final Setting THROTTLING_WINDOW = engine("throttling.window", DURATION, ENGINE_DEFAULTS.throttling().window(),
            "failed-login counting window");
    static final Setting THROTTLING_PAIR_FREE_ATTEMPTS = engine("throttling.pair-free-attempts", INTEGER,
            ENGINE_DEFAULTS.throttling().pairFreeAttempts(), "failures per (username, IP) before delays");
    static final Setting THROTTLING_IP_FREE_ATTEMPTS = engine("throttling.ip-free-attempts", INTEGER,
            ENGINE_DEFAULTS.throttling().ipFreeAttempts(), "failures per IP before delays");
    static final Setting THROTTLING_USER_FREE_ATTEMPTS = engine("throttling.user-free-attempts", INTEGER,
            ENGINE_DEFAULTS.throttling().userFreeAttempts(), "failures per username before delays");
    static final Setting THROTTLING_BASE_DELAY = engine("throttling.base-delay", DURATION, ENGINE_DEFAULTS.throttling().baseDelay(),
            "first delay, doubling with each further failure");
    static final Setting THROTTLING_MAX_DELAY = engine("throttling.max-delay", DURATION, ENGINE_DEFAULTS.throttling().maxDelay(),
            "longest delay");
    static final Setting THROTTLING_STUFFING_DISTINCT_USERNAMES = engine("throttling.stuffing-distinct-usernames", INTEGER,
            ENGINE_DEFAULTS.throttling().stuffingDistinctUsernames(), "usernames failed from one IP in a window that flag credential stuffing");
    static final Setting THROTTLING_ACCOUNT_MAX_FAILURES = engine("throttling.account-max-failures", INTEGER,
            ENGINE_DEFAULTS.throttling().accountMaxFailures(),
            "hard cap of consecutive failures per username from unknown devices in the account window (NIST SP 800-63B 5.2.2); 0 is off");
    static final Setting THROTTLING_ACCOUNT_WINDOW = engine("throttling.account-window", DURATION,
            ENGINE_DEFAULTS.throttling().accountWindow(), "the window of the hard cap");
    static final Setting THROTTLING_DEVICE_TOKEN_LIFETIME = engine("throttling.device-token-lifetime", DURATION,
            ENGINE_DEFAULTS.throttling().deviceTokenLifetime(), "how long a device token keeps a device known to its account");
    static final Setting THROTTLING_STUFFING_GLOBAL_FAILURES = engine("throttling.stuffing-global-failures", INTEGER,
            ENGINE_DEFAULTS.throttling().stuffingGlobalFailures(), "failures from all sources in a window that flag credential stuffing");
    static final Setting CLEANUP_INTERVAL = engine("cleanup.interval", DURATION, ENGINE_DEFAULTS.cleanup().interval(),
            "time between cleanup runs; 0 disables the job");
    static final Setting CLEANUP_BATCH_SIZE = engine("cleanup.batch-size", INTEGER, ENGINE_DEFAULTS.cleanup().batchSize(),
            "rows per delete statement (1-100000)");
    static final Setting CLEANUP_REVOKED_RETENTION = engine("cleanup.revoked-retention", DURATION,
            ENGINE_DEFAULTS.cleanup().revokedRetention(), "how long revoked sessions are kept");
    static final Setting CLEANUP_AUDIT_RETENTION = engine("cleanup.audit-retention", DURATION,
            ENGINE_DEFAULTS.cleanup().auditRetention(), "how long audit events are kept");

    static final Setting JWKS_ENABLED = engine("jwks.enabled", BOOLEAN, ENGINE_DEFAULTS.keys().publishJwks(),
            "serve the public signing keys at /.well-known/jwks.json and the metadata at /.well-known/openid-configuration (anonymous)");
    static final Setting JWKS_MAX_AGE = engine("jwks.max-age", DURATION, ENGINE_DEFAULTS.keys().jwksMaxAge(),
            "Cache-Control max-age of the published keys (1s-1d); a new key is published this plus key-reload-interval before it signs");
    static final Setting KEY_ROTATION_INTERVAL = engine("key-rotation-interval", DURATION, ENGINE_DEFAULTS.keys().rotationInterval(),
            "time between scheduled signing-key rotations; 0 rotates only on keys rotate");
    static final Setting TOKEN_ENCRYPTION = engine("token-encryption", CHOICE, "off",
            "encrypt access tokens (nested JWT, docs/encryption.md): off, dir (only Portcullis reads them; keys in the "
                    + "key store, rotated with the signing keys) or ecdh-es (to the P-256 key of token-encryption.key)");
    static final Setting TOKEN_ENCRYPTION_KEY = Setting.secret("token-encryption.key",
            "for token-encryption=ecdh-es: the recipient's P-256 key as a JWK with its private part d (Portcullis decrypts too)");

    private static final List<Setting> CATALOGUE = List.of(HOST, PORT, DB_URL, DB_USER, DB_PASSWORD, DB_START_TIMEOUT, KEK, DEMO_SEED, DEMO_USER,
            DEMO_PASSWORD, TRUSTED_PROXIES, THREADS, MAX_BODY_BYTES, MAX_HEADER_BYTES, HEADER_TIMEOUT, BODY_TIMEOUT,
            IDLE_TIMEOUT, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD,
            HTTP2, OPENAPI_ENABLED, MANAGEMENT_PORT, MANAGEMENT_HOST,
            ISSUER, AUDIENCE, ACCESS_TOKEN_LIFETIME, REFRESH_IDLE_TIMEOUT, ABSOLUTE_SESSION_LIFETIME, CLOCK_SKEW,
            REFRESH_GRACE_WINDOW, MAX_SESSIONS_PER_USER, SESSION_LIMIT_POLICY, MAX_TOKEN_BYTES, TOKEN_CACHE_SIZE,
            SESSION_STATUS_TTL, SIGNING_ALGORITHM, KEY_RELOAD_INTERVAL, THROTTLING_WINDOW, THROTTLING_PAIR_FREE_ATTEMPTS,
            THROTTLING_IP_FREE_ATTEMPTS, THROTTLING_USER_FREE_ATTEMPTS, THROTTLING_BASE_DELAY, THROTTLING_MAX_DELAY,
            THROTTLING_STUFFING_DISTINCT_USERNAMES, THROTTLING_ACCOUNT_MAX_FAILURES, THROTTLING_ACCOUNT_WINDOW,
            THROTTLING_DEVICE_TOKEN_LIFETIME, THROTTLING_STUFFING_GLOBAL_FAILURES,
            CLEANUP_INTERVAL, CLEANUP_BATCH_SIZE, CLEANUP_REVOKED_RETENTION, CLEANUP_AUDIT_RETENTION,
            JWKS_ENABLED, JWKS_MAX_AGE, KEY_ROTATION_INTERVAL, TOKEN_ENCRYPTION, TOKEN_ENCRYPTION_KEY);

    /** What {@link #describe()} says the default database URL comes from; also how {@link #isDefaultDatabase()} knows it. */
    private static final String DEFAULT_DATABASE = "the working directory";

    /** Where a value came from, for {@link #describe()}. */
    enum Origin { DEFAULT, FILE, ENVIRONMENT, SECRET_FILE, LEGACY, COMPUTED }

    private record Value(String text, Origin origin, String from) {
    }

    private final Map<Setting, Value> values;
    private final Path dataDirectory;
    private final AuthSettings engine;
    private final List<OpenIdProvider> openIdProviders;

    private ServerConfig(Map<Setting, Value> values, Path dataDirectory, List<OpenIdProvider> openIdProviders) {
        this.values = Map.copyOf(values);
        this.dataDirectory = dataDirectory;
        this.openIdProviders = openIdProviders;
        this.engine = buildEngine();
        validateServer();
    }

    // --- loading -----------------------------------------------------------------------------------

    /**
     * Reads the configuration: environment first, then the properties file, then defaults.
     *
     * @param env        the environment (normally {@link System#getenv()})
     * @param workingDir the directory relative paths and the default database are resolved against
     * @throws IllegalArgumentException naming a bad or unknown setting, or a configured file that does not exist
     * @throws UncheckedIOException     when a file exists but cannot be read
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
        rejectUnknown(env, file);
        Map<Setting, Value> values = new LinkedHashMap<>();
        for (Setting s : CATALOGUE) {
            resolve(s, env, file, dir).ifPresent(v -> values.put(s, v));
        }
        // The older name counts only when the new one is not given.
        legacyExpireMinutes(env, file).filter(v -> values.get(ACCESS_TOKEN_LIFETIME).origin() == Origin.DEFAULT)
                .ifPresent(v -> values.put(ACCESS_TOKEN_LIFETIME, v));
        Path dataDir = dir.resolve("data");
        if (!values.containsKey(DB_URL)) {
            values.put(DB_URL, new Value("jdbc:h2:file:" + dataDir.resolve("portcullis"), Origin.COMPUTED, DEFAULT_DATABASE));
        }
        if (!values.containsKey(DB_USER)) {
            values.put(DB_USER, new Value(values.get(DB_URL).text().startsWith("jdbc:h2:") ? "sa" : "", Origin.COMPUTED, "the URL"));
        }
        if (values.containsKey(TLS_KEYSTORE)) {
            Value ks = values.get(TLS_KEYSTORE);
            values.put(TLS_KEYSTORE, new Value(dir.resolve(ks.text()).toString(), ks.origin(), ks.from()));
        }
        return new ServerConfig(values, dataDir, OidcSettings.read(env, file));
    }

    /** The defaults, for a server whose files live under {@code workingDir}. */
    public static ServerConfig defaults(Path workingDir) {
        return load(Map.of(), workingDir);
    }

    private static Optional<Value> resolve(Setting s, Map<String, String> env, Properties file, Path dir) {
        Value direct = null;
        if (env.containsKey(s.env())) {
            direct = new Value(env.get(s.env()), Origin.ENVIRONMENT, s.env());
        } else if (file.containsKey(s.property())) {
            direct = new Value(file.getProperty(s.property()), Origin.FILE, s.property());
        } else if (file.containsKey(s.env())) {
            direct = new Value(file.getProperty(s.env()), Origin.FILE, s.env());
        } else {
            for (String alias : s.aliases()) {
                if (env.containsKey(alias) || file.containsKey(alias)) {
                    direct = new Value(env.containsKey(alias) ? env.get(alias) : file.getProperty(alias), Origin.LEGACY, alias);
                    break;
                }
            }
        }
        if (s.secret()) {
            String fileName = env.containsKey(s.fileEnv()) ? env.get(s.fileEnv())
                    : file.getProperty(s.fileProperty(), file.getProperty(s.fileEnv()));
            if (fileName != null) {
                if (direct != null) {
                    throw new IllegalArgumentException(s.label() + " is given both directly and by " + s.fileEnv()
                            + " / " + s.fileProperty() + "; give one");
                }
                Path secretFile = dir.resolve(fileName.strip());
                try {
                    // One trailing line break is how editors and `echo` end a file, not part of the secret.
                    String text = Files.readString(secretFile, StandardCharsets.UTF_8).replaceFirst("\\r?\\n\\z", "");
                    return Optional.of(new Value(text, Origin.SECRET_FILE, secretFile.toString()));
                } catch (IOException e) {
                    throw new IllegalArgumentException(s.fileEnv() + " / " + s.fileProperty() + " names a file that cannot be read: "
                            + secretFile);
                }
            }
        }
        if (direct != null) {
            // An empty value means "not set" for settings without a default, and the empty text for the rest.
            if (direct.text().isBlank() && s.defaultText() == null && !s.secret()) {
                return Optional.empty();
            }
            return Optional.of(new Value(s.secret() ? direct.text() : direct.text().strip(), direct.origin(), direct.from()));
        }
        return s.defaultText() == null ? Optional.empty() : Optional.of(new Value(s.defaultText(), Origin.DEFAULT, "default"));
    }

    private static Optional<Value> legacyExpireMinutes(Map<String, String> env, Properties file) {
        String text = env.containsKey(LEGACY_EXPIRE_ENV) ? env.get(LEGACY_EXPIRE_ENV)
                : file.getProperty(LEGACY_EXPIRE_PROPERTY, file.getProperty(LEGACY_EXPIRE_ENV));
        if (text == null) {
            return Optional.empty();
        }
        String label = LEGACY_EXPIRE_PROPERTY + " (" + LEGACY_EXPIRE_ENV + ")";
        int minutes;
        try {
            minutes = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + " must be a whole number of minutes: '" + text.strip() + "'");
        }
        if (minutes < 1 || minutes > 24 * 60) {
            throw new IllegalArgumentException(label + " must be between 1 and 1440 minutes: " + minutes);
        }
        return Optional.of(new Value(minutes + "m", Origin.LEGACY, LEGACY_EXPIRE_ENV));
    }

    /** A {@code portcullis.*} key or {@code PORTCULLIS_*} variable that names no setting is a typo, not something to ignore. */
    private static void rejectUnknown(Map<String, String> env, Properties file) {
        Set<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        known.add(CONFIG_ENV);
        for (Setting s : CATALOGUE) {
            known.add(s.env());
            known.add(s.property());
            known.addAll(s.aliases());
            if (s.secret()) {
                known.add(s.fileEnv());
                known.add(s.fileProperty());
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String name : env.keySet()) {
            if (name.startsWith(Setting.ENV_PREFIX) && !known.contains(name) && !OidcSettings.names(name)) {
                unknown.add(name + " (environment)");
            }
        }
        for (String name : file.stringPropertyNames()) {
            boolean ours = name.startsWith(Setting.PROPERTY_PREFIX) || name.startsWith(Setting.ENV_PREFIX);
            if (ours && !known.contains(name) && !OidcSettings.names(name)) {
                unknown.add(name + " (properties file)");
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; every setting is listed by --print-config and in docs/server-configuration.md");
        }
    }

    // --- reading typed values ------------------------------------------------------------------------

    private Optional<String> text(Setting s) {
        Value v = values.get(s);
        return v == null ? Optional.empty() : Optional.of(v.text());
    }

    private String required(Setting s) {
        return text(s).orElseThrow(() -> new IllegalArgumentException(s.label() + " must be set"));
    }

    private long number(Setting s, long min, long max) {
        String v = required(s);
        long n;
        try {
            n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.label() + " must be a whole number: '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(s.label() + " must be between " + min + " and " + max + ": " + n);
        }
        return n;
    }

    private int integer(Setting s, int min, int max) {
        return (int) number(s, min, max);
    }

    private boolean bool(Setting s) {
        String v = required(s).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(s.label() + " must be true or false: '" + v + "'");
        };
    }

    private Duration duration(Setting s) {
        String v = required(s);
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.label() + " must be a duration such as 30s, 500ms, 5m, 1h, 7d or PT30S: '" + v + "'");
        }
    }

    private <E extends Enum<E>> E choice(Setting s, E[] options) {
        String v = required(s);
        for (E e : options) {
            if (e.name().equalsIgnoreCase(v.replace('-', '_'))) {
                return e;
            }
        }
        throw new IllegalArgumentException(s.label() + " must be one of " + choices(options) + ": '" + v + "'");
    }

    private enum Encryption { OFF, DIR, ECDH_ES }

    private AuthSettings.TokenEncryption tokenEncryption() {
        return switch (choice(TOKEN_ENCRYPTION, Encryption.values())) {
            case OFF -> AuthSettings.TokenEncryption.off();
            case DIR -> AuthSettings.TokenEncryption.direct();
            case ECDH_ES -> AuthSettings.TokenEncryption.ecdhEs(text(TOKEN_ENCRYPTION_KEY).filter(k -> !k.isBlank())
                    .orElseThrow(() -> new IllegalArgumentException(TOKEN_ENCRYPTION_KEY.label()
                            + " must be set for token-encryption=ecdh-es")));
        };
    }

    private AuthSettings buildEngine() {
        try {
            AuthSettings.Throttling throttling = AuthSettings.Throttling.builder()
                    .window(duration(THROTTLING_WINDOW))
                    .pairFreeAttempts(integer(THROTTLING_PAIR_FREE_ATTEMPTS, 1, Integer.MAX_VALUE))
                    .ipFreeAttempts(integer(THROTTLING_IP_FREE_ATTEMPTS, 1, Integer.MAX_VALUE))
                    .userFreeAttempts(integer(THROTTLING_USER_FREE_ATTEMPTS, 1, Integer.MAX_VALUE))
                    .baseDelay(duration(THROTTLING_BASE_DELAY))
                    .maxDelay(duration(THROTTLING_MAX_DELAY))
                    .stuffingDistinctUsernames(integer(THROTTLING_STUFFING_DISTINCT_USERNAMES, 2, Integer.MAX_VALUE))
                    .accountMaxFailures(integer(THROTTLING_ACCOUNT_MAX_FAILURES, 0, Integer.MAX_VALUE))
                    .accountWindow(duration(THROTTLING_ACCOUNT_WINDOW))
                    .deviceTokenLifetime(duration(THROTTLING_DEVICE_TOKEN_LIFETIME))
                    .stuffingGlobalFailures(integer(THROTTLING_STUFFING_GLOBAL_FAILURES, 2, Integer.MAX_VALUE))
                    .build();
            AuthSettings.Cleanup cleanup = AuthSettings.Cleanup.builder()
                    .interval(duration(CLEANUP_INTERVAL))
                    .batchSize(integer(CLEANUP_BATCH_SIZE, 1, 100_000))
                    .revokedRetention(duration(CLEANUP_REVOKED_RETENTION))
                    .auditRetention(duration(CLEANUP_AUDIT_RETENTION))
                    .build();
            return ENGINE_DEFAULTS.toBuilder()
                    .issuer(required(ISSUER))
                    .audience(required(AUDIENCE))
                    .accessTokenLifetime(duration(ACCESS_TOKEN_LIFETIME))
                    .refreshIdleTimeout(duration(REFRESH_IDLE_TIMEOUT))
                    .absoluteSessionLifetime(duration(ABSOLUTE_SESSION_LIFETIME))
                    .clockSkew(duration(CLOCK_SKEW))
                    .refreshGraceWindow(duration(REFRESH_GRACE_WINDOW))
                    .maxSessionsPerUser(integer(MAX_SESSIONS_PER_USER, 0, Integer.MAX_VALUE),
                            choice(SESSION_LIMIT_POLICY, SessionLimitPolicy.values()))
                    .maxTokenBytes(integer(MAX_TOKEN_BYTES, 512, 65_536))
                    .tokenCacheSize(number(TOKEN_CACHE_SIZE, 0, Long.MAX_VALUE))
                    .sessionStatusTtl(duration(SESSION_STATUS_TTL))
                    .keyReloadInterval(duration(KEY_RELOAD_INTERVAL))
                    .throttling(throttling)
                    .cleanup(cleanup)
                    .signingAlgorithm(text(SIGNING_ALGORITHM).isPresent()
                            ? choice(SIGNING_ALGORITHM, SIGNING_ONLY)
                            : bool(JWKS_ENABLED) ? SigningAlgorithm.RS256 : SigningAlgorithm.EdDSA)
                    .keys(AuthSettings.Keys.builder()
                            .publishJwks(bool(JWKS_ENABLED))
                            .jwksMaxAge(duration(JWKS_MAX_AGE))
                            .rotationInterval(duration(KEY_ROTATION_INTERVAL))
                            .tokenEncryption(tokenEncryption())
                            .build())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(inOurNames(e.getMessage()), e);
        }
    }

    private static final Pattern CAMEL_NAME = Pattern.compile("\\b((?:throttling\\.|cleanup\\.)?[a-z]+(?:[A-Z][a-z]*)*)\\b");

    /** The engine names its fields in camel case ({@code throttling.baseDelay}); say them as an operator writes them. */
    static String inOurNames(String message) {
        if (message == null) {
            return "invalid engine settings";
        }
        Matcher m = CAMEL_NAME.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kebab = m.group(1).replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            Optional<Setting> s = CATALOGUE.stream().filter(x -> x.name().equals(kebab)).findFirst();
            m.appendReplacement(out, Matcher.quoteReplacement(s.map(Setting::label).orElse(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void validateServer() {
        integer(PORT, 0, 65_535);
        String url = dbUrl();
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(DB_URL.label() + " must be a jdbc:h2: or jdbc:postgresql: URL");
        }
        if (required(HOST).isBlank()) {
            throw new IllegalArgumentException(HOST.label() + " must not be blank");
        }
        if (required(DEMO_USER).isBlank()) {
            throw new IllegalArgumentException(DEMO_USER.label() + " must not be blank");
        }
        if (bool(DEMO_SEED) && values.get(DEMO_SEED) != null && values.get(DEMO_SEED).origin() != Origin.DEFAULT
                && !isDefaultDatabase()) {
            // A demo account with a printed password has no place in a database someone chose: refuse, not ignore.
            throw new IllegalArgumentException(DEMO_SEED.label() + " is for the default H2 file only; a database given by "
                    + DB_URL.label() + " never gets the demo user");
        }
        bool(OPENAPI_ENABLED);
        bool(HTTP2);
        if (required(MANAGEMENT_HOST).isBlank()) {
            throw new IllegalArgumentException(MANAGEMENT_HOST.label() + " must not be blank");
        }
        managementPort().ifPresent(m -> {
            if (m != 0 && m == port()) {
                throw new IllegalArgumentException(MANAGEMENT_PORT.label() + " must differ from " + PORT.label()
                        + ": the management port must not serve the API, nor the API port the metrics");
            }
        });
        integer(THREADS, 1, 512);
        integer(MAX_BODY_BYTES, 256, 64 * 1024 * 1024);
        integer(MAX_HEADER_BYTES, 1024, 1024 * 1024);
        for (Setting s : List.of(HEADER_TIMEOUT, BODY_TIMEOUT, IDLE_TIMEOUT, DB_START_TIMEOUT)) {
            Duration d = duration(s);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(s.label() + " must be longer than zero: " + text(s).orElse(""));
            }
        }
        kekBase64().ifPresent(k -> KeyEncryptionKeys.decode(k, KEK.label()));
    }

    // --- typed accessors ---------------------------------------------------------------------------

    /** Interface to listen on. */
    public String host() {
        return required(HOST);
    }

    /** TCP port; 0 picks a free one. */
    public int port() {
        return integer(PORT, 0, 65_535);
    }

    /** JDBC URL of an H2 or PostgreSQL database. */
    public String dbUrl() {
        return required(DB_URL);
    }

    /** Database user. */
    public String dbUser() {
        return text(DB_USER).orElse("");
    }

    /** Database password. */
    public String dbPassword() {
        return text(DB_PASSWORD).orElse("");
    }

    /** The key-encryption key for signing keys at rest (base64 of 16, 24 or 32 bytes), if given. */
    public Optional<String> kekBase64() {
        return text(KEK).filter(k -> !k.isBlank());
    }

    /** Where the default H2 database and a generated key-encryption key live. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Whether to create the demo user: when the setting says so and the database is the default H2 file. */
    public boolean demoSeed() {
        return bool(DEMO_SEED) && isDefaultDatabase();
    }

    /** Whether the database is the default H2 file under the working directory (no URL was given). */
    public boolean isDefaultDatabase() {
        Value url = values.get(DB_URL);
        return url.origin() == Origin.COMPUTED && DEFAULT_DATABASE.equals(url.from());
    }

    /** The demo user's name. */
    public String demoUser() {
        return required(DEMO_USER);
    }

    /** The demo user's password, if given. */
    public Optional<String> demoPassword() {
        return text(DEMO_PASSWORD).filter(p -> !p.isEmpty());
    }

    /** Proxies whose X-Forwarded-For is believed (IPs or CIDR ranges). */
    public List<String> trustedProxies() {
        return Arrays.stream(text(TRUSTED_PROXIES).orElse("").split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
    }

    /** Request worker threads. */
    public int threads() {
        return integer(THREADS, 1, 512);
    }

    /** Request body cap in bytes. */
    public int maxBodyBytes() {
        return integer(MAX_BODY_BYTES, 0, Integer.MAX_VALUE);
    }

    /** Request header cap in bytes. */
    public int maxHeaderBytes() {
        return integer(MAX_HEADER_BYTES, 0, Integer.MAX_VALUE);
    }

    /** How long start-up keeps trying to reach the database. */
    public Duration dbStartTimeout() {
        return duration(DB_START_TIMEOUT);
    }

    /** The label of the start-up timeout setting, for messages. */
    static String dbStartTimeoutLabel() {
        return DB_START_TIMEOUT.label();
    }

    /** How long a client may take to send its request headers, once begun. */
    public Duration headerTimeout() {
        return duration(HEADER_TIMEOUT);
    }

    /** How long a client may take to send its request body. */
    public Duration bodyTimeout() {
        return duration(BODY_TIMEOUT);
    }

    /** How long a connection may stay silent. */
    public Duration idleTimeout() {
        return duration(IDLE_TIMEOUT);
    }

    /** The PKCS#12 keystore for HTTPS, if configured. */
    public Optional<Path> tlsKeystore() {
        return text(TLS_KEYSTORE).map(Path::of);
    }

    /** The keystore's password. */
    public String tlsKeystorePassword() {
        return text(TLS_KEYSTORE_PASSWORD).orElse("");
    }

    /** Whether HTTP/2 is offered beside HTTP/1.1. */
    public boolean http2() {
        return bool(HTTP2);
    }

    /** Whether GET /openapi.yaml serves the OpenAPI document. */
    public boolean openApiEnabled() {
        return bool(OPENAPI_ENABLED);
    }

    /** The port of the management listener (Prometheus metrics), if it is on. */
    public Optional<Integer> managementPort() {
        return text(MANAGEMENT_PORT).map(t -> integer(MANAGEMENT_PORT, 0, 65_535));
    }

    /** The interface of the management listener. */
    public String managementHost() {
        return required(MANAGEMENT_HOST);
    }

    /** The engine's settings. */
    public AuthSettings engine() {
        return engine;
    }

    /** The OpenID Connect providers whose ID tokens may be exchanged for a session ({@code PORTCULLIS_OIDC_<ID>_*}). */
    public List<OpenIdProvider> openIdProviders() {
        return openIdProviders;
    }

    /** Whether the database is an H2 file (the case where a key-encryption key may be generated). */
    public boolean isH2File() {
        String url = dbUrl();
        return url.startsWith("jdbc:h2:file:") || (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:"));
    }

    /** A copy listening on another port. */
    public ServerConfig withPort(int newPort) {
        return with(PORT, Integer.toString(newPort));
    }

    /** A copy on another database. */
    public ServerConfig withDatabase(String url, String user, String password) {
        Map<Setting, Value> copy = new LinkedHashMap<>(values);
        copy.put(DB_URL, new Value(url, Origin.COMPUTED, "withDatabase"));
        copy.put(DB_USER, new Value(Objects.requireNonNullElse(user, ""), Origin.COMPUTED, "withDatabase"));
        copy.put(DB_PASSWORD, new Value(Objects.requireNonNullElse(password, ""), Origin.COMPUTED, "withDatabase"));
        return new ServerConfig(copy, dataDirectory, openIdProviders);
    }

    private ServerConfig with(Setting s, String text) {
        Map<Setting, Value> copy = new LinkedHashMap<>(values);
        copy.put(s, new Value(text, Origin.COMPUTED, "with"));
        return new ServerConfig(copy, dataDirectory, openIdProviders);
    }

    // --- printing ----------------------------------------------------------------------------------

    /**
     * Every setting with its effective value and where it came from, as a properties file that
     * could be read back; each secret appears as {@code <redacted>} or {@code <not set>}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("# Portcullis effective settings (secrets redacted)\n");
        for (Setting s : CATALOGUE) {
            Value v = values.get(s);
            String shown = v == null ? "" : s.secret() ? (v.text().isEmpty() ? "" : "<redacted>") : v.text();
            String origin = v == null ? "not set" : switch (v.origin()) {
                case DEFAULT -> "default";
                case COMPUTED -> "default, from " + v.from();
                case FILE -> "properties file, " + v.from();
                case ENVIRONMENT -> "environment, " + v.from();
                case SECRET_FILE -> "secret file " + v.from();
                case LEGACY -> "older name " + v.from();
            };
            sb.append(s.property()).append(" = ").append(shown).append("    # ").append(s.env()).append("; ").append(origin).append('\n');
        }
        openIdProviders.forEach(p -> sb.append(OidcSettings.describe(p)));
        return sb.toString();
    }

    /** Every setting, for documentation and {@code --print-config}. */
    static List<Setting> catalogue() {
        return CATALOGUE;
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host() + ", port=" + port() + ", db=" + PortcullisServer.redactUrl(dbUrl())
                + ", tls=" + tlsKeystore().isPresent() + ", secrets redacted]";
    }

    private static Setting engine(String name, Setting.Kind kind, Object defaultValue, String description) {
        String text = defaultValue instanceof Duration d ? Durations.format(d)
                : defaultValue instanceof Enum<?> e ? e.name() : String.valueOf(defaultValue);
        return Setting.of(name, kind, text, description);
    }

    private static String choices(Enum<?>[] options) {
        return String.join(", ", Arrays.stream(options).map(Enum::name).toList());
    }
}

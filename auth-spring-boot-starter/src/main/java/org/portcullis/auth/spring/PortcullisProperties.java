package org.portcullis.auth.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.SessionLimitPolicy;
import org.portcullis.auth.api.SigningAlgorithm;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code portcullis.*} property. Each engine setting is optional: left unset, the engine's
 * own default applies ({@link AuthSettings}, listed again on each property here), so that the
 * defaults live in one place. Durations take Spring's forms ({@code 30s}, {@code 15m}, {@code 7d},
 * or ISO-8601 {@code PT30S}).
 *
 * <p>The access-token lifetime can also be set with the seed's own key {@code JwtSettings:ExpireMinutes}
 * (environment variable {@code JwtSettings__ExpireMinutes}, which wins over the key);
 * {@code portcullis.jwt.expire-minutes} wins over both.
 *
 * <p>A mutable bean for Spring's binder; not thread-safe until bound.
 */
@ConfigurationProperties(prefix = "portcullis")
public class PortcullisProperties {

    /** Token issuer ({@code iss}). Default {@code portcullis}. */
    private String issuer;
    /** Token audience ({@code aud}). Default {@code 7g-api}. */
    private String audience;
    /** Tolerance for exp, nbf and iat (RFC 7519 §4.1.4). Default 30s, at most 5m. */
    private Duration clockSkew;
    /** How long a replay of the previous refresh token counts as an honest retry; 0 is strict. Default 5s. */
    private Duration refreshGraceWindow;
    /** Longer access tokens are refused before parsing. Default 8192. */
    private Integer maxTokenBytes;
    /** Verified tokens remembered per node; 0 turns the cache off. Default 100000. */
    private Long tokenCacheSize;
    /** How long a node trusts what it last read of a session's status (revocation delay across nodes). Default 5s. */
    private Duration sessionStatusTtl;
    /** Algorithm of newly generated signing keys. Default EdDSA. */
    private SigningAlgorithm signingAlgorithm;
    /** How often a node re-reads the signing-key store. Default 1m. */
    private Duration keyReloadInterval;

    private final Jwt jwt = new Jwt();
    private final Session session = new Session();
    private final Throttling throttling = new Throttling();
    private final Cleanup cleanup = new Cleanup();
    private final Keys keys = new Keys();
    private final Store store = new Store();
    private final Http http = new Http();
    private final Security security = new Security();
    private final Metrics metrics = new Metrics();

    /** Access tokens. */
    public static class Jwt {
        /** Access-token lifetime in minutes (the seed's JwtSettings:ExpireMinutes). Default 20. */
        private Integer expireMinutes;

        public Integer getExpireMinutes() { return expireMinutes; }
        public void setExpireMinutes(Integer v) { expireMinutes = v; }
    }

    /** Sessions. */
    public static class Session {
        /** A session ends unless refreshed within this (sliding). Default 7d. */
        private Duration refreshIdleTimeout;
        /** A session ends this long after login, whatever happens. Default 30d. */
        private Duration absoluteLifetime;
        /** Most active sessions per user; 0 means no limit. Default 0. */
        private Integer maxPerUser;
        /** What happens at the limit. Default evict-oldest. */
        private SessionLimitPolicy limitPolicy;

        public Duration getRefreshIdleTimeout() { return refreshIdleTimeout; }
        public void setRefreshIdleTimeout(Duration v) { refreshIdleTimeout = v; }
        public Duration getAbsoluteLifetime() { return absoluteLifetime; }
        public void setAbsoluteLifetime(Duration v) { absoluteLifetime = v; }
        public Integer getMaxPerUser() { return maxPerUser; }
        public void setMaxPerUser(Integer v) { maxPerUser = v; }
        public SessionLimitPolicy getLimitPolicy() { return limitPolicy; }
        public void setLimitPolicy(SessionLimitPolicy v) { limitPolicy = v; }
    }

    /** Failed-login throttling (OWASP ASVS V2.2.1, NIST SP 800-63B §5.2.2). */
    public static class Throttling {
        /** Counting window. Default 15m. */
        private Duration window;
        /** Failures allowed per (username, address) before delays. Default 5. */
        private Integer pairFreeAttempts;
        /** Failures allowed per address before delays. Default 20. */
        private Integer ipFreeAttempts;
        /** Failures allowed per username from anywhere before delays. Default 50. */
        private Integer userFreeAttempts;
        /** First delay. Default 1s. */
        private Duration baseDelay;
        /** Longest delay. Default 15m. */
        private Duration maxDelay;
        /** Failures from one address across this many usernames flag credential stuffing. Default 10. */
        private Integer stuffingDistinctUsernames;
        /** Hard cap on consecutive failures per username from unknown devices (NIST SP 800-63B §5.2.2). Default 100; 0 = off. */
        private Integer accountMaxFailures;
        /** Window of the account cap. Default 24h. */
        private Duration accountWindow;
        /** How long a device token keeps a device known to its account. Default 90d. */
        private Duration deviceTokenLifetime;
        /** Failures from all sources within a window that flag credential stuffing. Default 500. */
        private Integer stuffingGlobalFailures;

        public Duration getWindow() { return window; }
        public void setWindow(Duration v) { window = v; }
        public Integer getPairFreeAttempts() { return pairFreeAttempts; }
        public void setPairFreeAttempts(Integer v) { pairFreeAttempts = v; }
        public Integer getIpFreeAttempts() { return ipFreeAttempts; }
        public void setIpFreeAttempts(Integer v) { ipFreeAttempts = v; }
        public Integer getUserFreeAttempts() { return userFreeAttempts; }
        public void setUserFreeAttempts(Integer v) { userFreeAttempts = v; }
        public Duration getBaseDelay() { return baseDelay; }
        public void setBaseDelay(Duration v) { baseDelay = v; }
        public Duration getMaxDelay() { return maxDelay; }
        public void setMaxDelay(Duration v) { maxDelay = v; }
        public Integer getStuffingDistinctUsernames() { return stuffingDistinctUsernames; }
        public void setStuffingDistinctUsernames(Integer v) { stuffingDistinctUsernames = v; }
        public Integer getAccountMaxFailures() { return accountMaxFailures; }
        public void setAccountMaxFailures(Integer v) { accountMaxFailures = v; }
        public Duration getAccountWindow() { return accountWindow; }
        public void setAccountWindow(Duration v) { accountWindow = v; }
        public Duration getDeviceTokenLifetime() { return deviceTokenLifetime; }
        public void setDeviceTokenLifetime(Duration v) { deviceTokenLifetime = v; }
        public Integer getStuffingGlobalFailures() { return stuffingGlobalFailures; }
        public void setStuffingGlobalFailures(Integer v) { stuffingGlobalFailures = v; }
    }

    /** The cleanup job. */
    public static class Cleanup {
        /** Time between runs; 0 turns the scheduled job off. Default 10m. */
        private Duration interval;
        /** Rows per delete statement. Default 1000. */
        private Integer batchSize;
        /** How long revoked sessions are kept. Default 1d. */
        private Duration revokedRetention;
        /** How long audit events are kept. Default 365d. */
        private Duration auditRetention;

        public Duration getInterval() { return interval; }
        public void setInterval(Duration v) { interval = v; }
        public Integer getBatchSize() { return batchSize; }
        public void setBatchSize(Integer v) { batchSize = v; }
        public Duration getRevokedRetention() { return revokedRetention; }
        public void setRevokedRetention(Duration v) { revokedRetention = v; }
        public Duration getAuditRetention() { return auditRetention; }
        public void setAuditRetention(Duration v) { auditRetention = v; }
    }

    /** Publishing and scheduled rotation of signing keys, and access-token encryption. */
    public static class Keys {
        /** Serve /.well-known/jwks.json and /.well-known/openid-configuration (anonymous). Default false. */
        private Boolean publishJwks;
        /** Cache-Control max-age of the published key set. Default 5m. */
        private Duration jwksMaxAge;
        /** Time between scheduled key rotations; 0 turns scheduled rotation off. Default 30d. */
        private Duration rotationInterval;
        /**
         * Encrypt access tokens (nested JWT): off, dir (only Portcullis reads them) or ecdh-es (to the
         * recipient key of token-encryption-key). Default off. See docs/encryption.md.
         */
        private String tokenEncryption;
        /** For token-encryption=ecdh-es: the recipient's P-256 key as a JWK with its private part; a secret. */
        private String tokenEncryptionKey;

        public String getTokenEncryption() { return tokenEncryption; }
        public void setTokenEncryption(String v) { tokenEncryption = v; }
        public String getTokenEncryptionKey() { return tokenEncryptionKey; }
        public void setTokenEncryptionKey(String v) { tokenEncryptionKey = v; }
        public Boolean getPublishJwks() { return publishJwks; }
        public void setPublishJwks(Boolean v) { publishJwks = v; }
        public Duration getJwksMaxAge() { return jwksMaxAge; }
        public void setJwksMaxAge(Duration v) { jwksMaxAge = v; }
        public Duration getRotationInterval() { return rotationInterval; }
        public void setRotationInterval(Duration v) { rotationInterval = v; }
    }

    /** Which store backs the engine. */
    public static class Store {
        /** auto: JDBC on the application's DataSource when there is one, in-memory otherwise. */
        private StoreType type = StoreType.AUTO;
        /** Whether to create or upgrade the JDBC schema at start. */
        private boolean migrateSchema = true;
        /**
         * Key-encryption key for signing keys at rest in the JDBC store: base64 of 16, 24 or 32
         * random bytes (AES). Required with the JDBC store; keep it in a secret manager.
         */
        private String keyEncryptionKey;

        public StoreType getType() { return type; }
        public void setType(StoreType v) { type = v; }
        public boolean isMigrateSchema() { return migrateSchema; }
        public void setMigrateSchema(boolean v) { migrateSchema = v; }
        public String getKeyEncryptionKey() { return keyEncryptionKey; }
        public void setKeyEncryptionKey(String v) { keyEncryptionKey = v; }
    }

    /** Store choice. */
    public enum StoreType {
        /** JDBC when a DataSource bean exists, in-memory otherwise. */
        AUTO,
        /** Always the JDBC store (fails at start without a DataSource). */
        JDBC,
        /** Always the in-memory store (one process, lost at restart). */
        MEMORY
    }

    /** The 7G endpoints. */
    public static class Http {
        /** Whether to serve the endpoints. */
        private boolean enabled = true;
        /** Prefix of the endpoints, e.g. /auth serves /auth/user/login; empty serves them at the root as in the contract. */
        private String basePath = "";
        /** Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges). */
        private List<String> trustedProxies = new ArrayList<>();
        /**
         * Origins (scheme://host[:port]) whose browser pages may call the 7G endpoints (CORS);
         * empty, the default, sends no CORS headers. The application's own paths follow Spring's CORS
         * configuration, not this list.
         */
        private List<String> corsAllowedOrigins = new ArrayList<>();
        /** Largest accepted request body in bytes. Default 16384. */
        private Integer maxBodyBytes;
        /** Largest accepted request headers in bytes. Default 16384. */
        private Integer maxHeaderBytes;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean v) { enabled = v; }
        public String getBasePath() { return basePath; }
        public void setBasePath(String v) { basePath = v; }
        public List<String> getTrustedProxies() { return trustedProxies; }
        public void setTrustedProxies(List<String> v) { trustedProxies = v; }
        public List<String> getCorsAllowedOrigins() { return corsAllowedOrigins; }
        public void setCorsAllowedOrigins(List<String> v) { corsAllowedOrigins = v; }
        public Integer getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(Integer v) { maxBodyBytes = v; }
        public Integer getMaxHeaderBytes() { return maxHeaderBytes; }
        public void setMaxHeaderBytes(Integer v) { maxHeaderBytes = v; }
    }

    /** Spring Security integration. */
    public static class Security {
        /** Whether Portcullis is the bearer-token authentication of Spring Security. */
        private boolean enabled = true;
        /** Prefix of the authorities made from the token's roles (hasRole('admin') looks for ROLE_admin). */
        private String rolePrefix = "ROLE_";
        /**
         * Paths anyone may reach without a token (Spring path patterns such as /public/**), besides
         * the anonymous 7G endpoints, /actuator/health, /error and static resources.
         */
        private List<String> publicPaths = new ArrayList<>();
        /** Whether /actuator/health (and its groups) and /error stay public. */
        private boolean permitHealthAndError = true;
        /** Whether reads (GET, HEAD) of static resources at Spring Boot's common locations stay public. */
        private boolean permitStaticResources = true;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean v) { enabled = v; }
        public String getRolePrefix() { return rolePrefix; }
        public void setRolePrefix(String v) { rolePrefix = v; }
        public List<String> getPublicPaths() { return publicPaths; }
        public void setPublicPaths(List<String> v) { publicPaths = v; }
        public boolean isPermitHealthAndError() { return permitHealthAndError; }
        public void setPermitHealthAndError(boolean v) { permitHealthAndError = v; }
        public boolean isPermitStaticResources() { return permitStaticResources; }
        public void setPermitStaticResources(boolean v) { permitStaticResources = v; }
    }

    /** Micrometer metrics. */
    public static class Metrics {
        /** Whether to publish Portcullis meters to the application's MeterRegistry. */
        private boolean enabled = true;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean v) { enabled = v; }
    }

    /**
     * The engine settings these properties describe, starting from the engine's defaults.
     *
     * @param seedExpireMinutes the seed's {@code JwtSettings:ExpireMinutes}, if set and
     *                          {@code portcullis.jwt.expire-minutes} is not
     * @throws IllegalArgumentException naming the first bad setting
     */
    public AuthSettings toSettings(Integer seedExpireMinutes) {
        AuthSettings.Builder b = AuthSettings.builder();
        set(issuer, b::issuer);
        set(audience, b::audience);
        Integer minutes = jwt.expireMinutes != null ? jwt.expireMinutes : seedExpireMinutes;
        if (minutes != null) {
            b.accessTokenLifetime(Duration.ofMinutes(minutes));
        }
        set(session.refreshIdleTimeout, b::refreshIdleTimeout);
        set(session.absoluteLifetime, b::absoluteSessionLifetime);
        set(clockSkew, b::clockSkew);
        set(refreshGraceWindow, b::refreshGraceWindow);
        AuthSettings defaults = AuthSettings.defaults();
        if (session.maxPerUser != null || session.limitPolicy != null) {
            b.maxSessionsPerUser(session.maxPerUser != null ? session.maxPerUser : defaults.maxSessionsPerUser(),
                    session.limitPolicy != null ? session.limitPolicy : defaults.sessionLimitPolicy());
        }
        set(maxTokenBytes, b::maxTokenBytes);
        set(tokenCacheSize, b::tokenCacheSize);
        set(sessionStatusTtl, b::sessionStatusTtl);
        set(signingAlgorithm, b::signingAlgorithm);
        set(keyReloadInterval, b::keyReloadInterval);
        AuthSettings.Throttling.Builder t = AuthSettings.Throttling.builder();
        set(throttling.window, t::window);
        set(throttling.pairFreeAttempts, t::pairFreeAttempts);
        set(throttling.ipFreeAttempts, t::ipFreeAttempts);
        set(throttling.userFreeAttempts, t::userFreeAttempts);
        set(throttling.baseDelay, t::baseDelay);
        set(throttling.maxDelay, t::maxDelay);
        set(throttling.stuffingDistinctUsernames, t::stuffingDistinctUsernames);
        set(throttling.accountMaxFailures, t::accountMaxFailures);
        set(throttling.accountWindow, t::accountWindow);
        set(throttling.deviceTokenLifetime, t::deviceTokenLifetime);
        set(throttling.stuffingGlobalFailures, t::stuffingGlobalFailures);
        b.throttling(t.build());
        AuthSettings.Cleanup.Builder c = AuthSettings.Cleanup.builder();
        set(cleanup.interval, c::interval);
        set(cleanup.batchSize, c::batchSize);
        set(cleanup.revokedRetention, c::revokedRetention);
        set(cleanup.auditRetention, c::auditRetention);
        b.cleanup(c.build());
        AuthSettings.Keys.Builder k = AuthSettings.Keys.builder();
        set(keys.publishJwks, k::publishJwks);
        set(keys.jwksMaxAge, k::jwksMaxAge);
        set(keys.rotationInterval, k::rotationInterval);
        if (keys.tokenEncryption != null) {
            k.tokenEncryption(switch (keys.tokenEncryption.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "off" -> AuthSettings.TokenEncryption.off();
                case "dir" -> AuthSettings.TokenEncryption.direct();
                case "ecdh-es" -> AuthSettings.TokenEncryption.ecdhEs(keys.tokenEncryptionKey);
                default -> throw new IllegalArgumentException(
                        "portcullis.keys.token-encryption must be off, dir or ecdh-es: " + keys.tokenEncryption);
            });
        }
        b.keys(k.build());
        return b.build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    public String getIssuer() { return issuer; }
    public void setIssuer(String v) { issuer = v; }
    public String getAudience() { return audience; }
    public void setAudience(String v) { audience = v; }
    public Duration getClockSkew() { return clockSkew; }
    public void setClockSkew(Duration v) { clockSkew = v; }
    public Duration getRefreshGraceWindow() { return refreshGraceWindow; }
    public void setRefreshGraceWindow(Duration v) { refreshGraceWindow = v; }
    public Integer getMaxTokenBytes() { return maxTokenBytes; }
    public void setMaxTokenBytes(Integer v) { maxTokenBytes = v; }
    public Long getTokenCacheSize() { return tokenCacheSize; }
    public void setTokenCacheSize(Long v) { tokenCacheSize = v; }
    public Duration getSessionStatusTtl() { return sessionStatusTtl; }
    public void setSessionStatusTtl(Duration v) { sessionStatusTtl = v; }
    public SigningAlgorithm getSigningAlgorithm() { return signingAlgorithm; }
    public void setSigningAlgorithm(SigningAlgorithm v) { signingAlgorithm = v; }
    public Duration getKeyReloadInterval() { return keyReloadInterval; }
    public void setKeyReloadInterval(Duration v) { keyReloadInterval = v; }
    public Jwt getJwt() { return jwt; }
    public Session getSession() { return session; }
    public Throttling getThrottling() { return throttling; }
    public Cleanup getCleanup() { return cleanup; }
    public Keys getKeys() { return keys; }
    public Store getStore() { return store; }
    public Http getHttp() { return http; }
    public Security getSecurity() { return security; }
    public Metrics getMetrics() { return metrics; }
}

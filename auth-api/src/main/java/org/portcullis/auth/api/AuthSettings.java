package org.portcullis.auth.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Every setting of the engine, immutable and validated. Build with {@link #builder()}; the
 * defaults are listed on each builder method and in the README.
 *
 * @param issuer                  the tokens' {@code iss}
 * @param audience                the tokens' {@code aud}
 * @param accessTokenLifetime     access-token lifetime ({@code JwtSettings:ExpireMinutes}); default 20 minutes
 * @param refreshIdleTimeout      a session ends unless refreshed within this (sliding); default 7 days
 * @param absoluteSessionLifetime a session ends this long after login whatever happens; default 30 days
 * @param clockSkew               tolerance for {@code exp}, {@code nbf} and {@code iat}; default 30 seconds
 * @param refreshGraceWindow      how long a replay of the immediately preceding refresh token is treated as an
 *                                honest retry rather than reuse; 0 means strict; default 5 seconds
 * @param maxSessionsPerUser      most active sessions per user; 0 means no limit; default 100, so that one account
 *                                cannot fill a store that every user shares
 * @param sessionLimitPolicy      what happens at the limit; default {@link SessionLimitPolicy#EVICT_OLDEST}
 * @param maxTokenBytes           longer access tokens are rejected before parsing; default 8192
 * @param tokenCacheSize          most verified tokens remembered per node; default 100,000
 * @param sessionStatusTtl        how long a node trusts what it last read of a session's status; this bounds how
 *                                late another node's revocation takes effect here; default 5 seconds
 * @param signingAlgorithm        algorithm of newly generated keys; default {@link SigningAlgorithm#EdDSA}, or
 *                                {@link SigningAlgorithm#RS256} when keys are published (see the builder method)
 * @param keyReloadInterval       how often a node re-reads the key store; default 1 minute
 * @param throttling              failed-login throttling, built with {@link Throttling#builder()}
 * @param cleanup                 purge of expired sessions, old audit events and attempt counters, built with
 *                                {@link Cleanup#builder()}
 * @param keys                    publishing and scheduled rotation of signing keys, and access-token encryption,
 *                                built with {@link Keys#builder()}
 */
public record AuthSettings(String issuer, String audience, Duration accessTokenLifetime, Duration refreshIdleTimeout,
                           Duration absoluteSessionLifetime, Duration clockSkew, Duration refreshGraceWindow,
                           int maxSessionsPerUser, SessionLimitPolicy sessionLimitPolicy, int maxTokenBytes,
                           long tokenCacheSize, Duration sessionStatusTtl, SigningAlgorithm signingAlgorithm,
                           Duration keyReloadInterval, Throttling throttling, Cleanup cleanup, Keys keys) {

    /**
     * Throttling of failed logins. Failures are counted per (username, IP) pair, per IP and per
     * username in fixed windows; past a counter's free attempts every further attempt under it
     * waits {@code baseDelay × 2^(failures − free)}, capped at {@code maxDelay}. A <em>known
     * device</em> (one that presents the device token of an earlier successful login of the account)
     * is judged only by its own failures on that account, so an attacker elsewhere cannot lock the
     * real user out (OWASP ASVS V2.2.1; the aspnetcore#6836 lesson); unknown devices are capped at
     * {@code accountMaxFailures} consecutive failures per account (NIST SP 800-63B §5.2.2).
     *
     * <p>Build with {@link #builder()} (starting from the defaults) or {@link #toBuilder()}; each
     * builder method names its setting and default. Immutable and thread-safe; equal when every
     * setting is equal.
     */
    public static final class Throttling {

        private final Duration window;
        private final int pairFreeAttempts;
        private final int ipFreeAttempts;
        private final int userFreeAttempts;
        private final Duration baseDelay;
        private final Duration maxDelay;
        private final int stuffingDistinctUsernames;
        private final int accountMaxFailures;
        private final Duration accountWindow;
        private final Duration deviceTokenLifetime;
        private final int stuffingGlobalFailures;

        private Throttling(Builder b) {
            requirePositive(b.window, "throttling.window");
            requirePositive(b.baseDelay, "throttling.baseDelay");
            requirePositive(b.maxDelay, "throttling.maxDelay");
            if (b.maxDelay.compareTo(b.baseDelay) < 0) {
                throw new IllegalArgumentException("throttling.maxDelay must not be shorter than throttling.baseDelay");
            }
            requireAtLeast(b.pairFreeAttempts, 1, "throttling.pairFreeAttempts");
            requireAtLeast(b.ipFreeAttempts, 1, "throttling.ipFreeAttempts");
            requireAtLeast(b.userFreeAttempts, 1, "throttling.userFreeAttempts");
            requireAtLeast(b.stuffingDistinctUsernames, 2, "throttling.stuffingDistinctUsernames");
            requireAtLeast(b.accountMaxFailures, 0, "throttling.accountMaxFailures");
            requirePositive(b.accountWindow, "throttling.accountWindow");
            requirePositive(b.deviceTokenLifetime, "throttling.deviceTokenLifetime");
            requireAtLeast(b.stuffingGlobalFailures, 2, "throttling.stuffingGlobalFailures");
            this.window = b.window;
            this.pairFreeAttempts = b.pairFreeAttempts;
            this.ipFreeAttempts = b.ipFreeAttempts;
            this.userFreeAttempts = b.userFreeAttempts;
            this.baseDelay = b.baseDelay;
            this.maxDelay = b.maxDelay;
            this.stuffingDistinctUsernames = b.stuffingDistinctUsernames;
            this.accountMaxFailures = b.accountMaxFailures;
            this.accountWindow = b.accountWindow;
            this.deviceTokenLifetime = b.deviceTokenLifetime;
            this.stuffingGlobalFailures = b.stuffingGlobalFailures;
        }

        /** The defaults listed on the {@link Builder} methods. */
        public static Throttling defaults() {
            return builder().build();
        }

        /** A builder starting from the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder starting from these settings. */
        public Builder toBuilder() {
            return new Builder().window(window).pairFreeAttempts(pairFreeAttempts).ipFreeAttempts(ipFreeAttempts)
                    .userFreeAttempts(userFreeAttempts).baseDelay(baseDelay).maxDelay(maxDelay)
                    .stuffingDistinctUsernames(stuffingDistinctUsernames).accountMaxFailures(accountMaxFailures)
                    .accountWindow(accountWindow).deviceTokenLifetime(deviceTokenLifetime)
                    .stuffingGlobalFailures(stuffingGlobalFailures);
        }

        /** The counting window. */
        public Duration window() { return window; }

        /** Failures allowed per (username, IP) before delays. */
        public int pairFreeAttempts() { return pairFreeAttempts; }

        /** Failures allowed per IP before delays. */
        public int ipFreeAttempts() { return ipFreeAttempts; }

        /** Failures allowed per username, from anywhere, before delays. */
        public int userFreeAttempts() { return userFreeAttempts; }

        /** The first delay. */
        public Duration baseDelay() { return baseDelay; }

        /** The longest delay. */
        public Duration maxDelay() { return maxDelay; }

        /** Failures from one IP across this many usernames within a window flag credential stuffing. */
        public int stuffingDistinctUsernames() { return stuffingDistinctUsernames; }

        /** The hard cap on consecutive failures per username from unknown devices; 0 when off. */
        public int accountMaxFailures() { return accountMaxFailures; }

        /** The window of {@link #accountMaxFailures()}. */
        public Duration accountWindow() { return accountWindow; }

        /** How long a device token keeps a device known. */
        public Duration deviceTokenLifetime() { return deviceTokenLifetime; }

        /** Failures from all sources within a window that flag credential stuffing. */
        public int stuffingGlobalFailures() { return stuffingGlobalFailures; }

        /**
         * The same settings plus the consecutive-failure cap per username (NIST SP 800-63B §5.2.2);
         * shorthand for {@code toBuilder().accountMaxFailures(maxFailures).accountWindow(window).build()}.
         *
         * @param maxFailures at most this many failures per username within {@code window}; 0 turns the cap off
         * @throws IllegalArgumentException naming the bad setting
         */
        public Throttling withAccountCap(int maxFailures, Duration window) {
            return toBuilder().accountMaxFailures(maxFailures).accountWindow(window).build();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Throttling t && window.equals(t.window) && pairFreeAttempts == t.pairFreeAttempts
                    && ipFreeAttempts == t.ipFreeAttempts && userFreeAttempts == t.userFreeAttempts
                    && baseDelay.equals(t.baseDelay) && maxDelay.equals(t.maxDelay)
                    && stuffingDistinctUsernames == t.stuffingDistinctUsernames
                    && accountMaxFailures == t.accountMaxFailures && accountWindow.equals(t.accountWindow)
                    && deviceTokenLifetime.equals(t.deviceTokenLifetime)
                    && stuffingGlobalFailures == t.stuffingGlobalFailures;
        }

        @Override
        public int hashCode() {
            return Objects.hash(window, pairFreeAttempts, ipFreeAttempts, userFreeAttempts, baseDelay, maxDelay,
                    stuffingDistinctUsernames, accountMaxFailures, accountWindow, deviceTokenLifetime,
                    stuffingGlobalFailures);
        }

        @Override
        public String toString() {
            return "Throttling[window=" + window + ", pairFreeAttempts=" + pairFreeAttempts + ", ipFreeAttempts="
                    + ipFreeAttempts + ", userFreeAttempts=" + userFreeAttempts + ", baseDelay=" + baseDelay
                    + ", maxDelay=" + maxDelay + ", stuffingDistinctUsernames=" + stuffingDistinctUsernames
                    + ", accountMaxFailures=" + accountMaxFailures + ", accountWindow=" + accountWindow
                    + ", deviceTokenLifetime=" + deviceTokenLifetime + ", stuffingGlobalFailures="
                    + stuffingGlobalFailures + "]";
        }

        /** Builds {@link Throttling}; {@link #build()} validates and names any bad setting. Not thread-safe. */
        public static final class Builder {
            private Duration window = Duration.ofMinutes(15);
            private int pairFreeAttempts = 5;
            private int ipFreeAttempts = 20;
            private int userFreeAttempts = 50;
            private Duration baseDelay = Duration.ofSeconds(1);
            private Duration maxDelay = Duration.ofMinutes(15);
            private int stuffingDistinctUsernames = 10;
            private int accountMaxFailures = 100;
            private Duration accountWindow = Duration.ofHours(24);
            private Duration deviceTokenLifetime = Duration.ofDays(90);
            private int stuffingGlobalFailures = 500;

            private Builder() {
            }

            /** Counting window; default 15 minutes. */
            public Builder window(Duration v) { window = v; return this; }

            /** Failures allowed per (username, IP) pair before delays; default 5, at least 1. */
            public Builder pairFreeAttempts(int v) { pairFreeAttempts = v; return this; }

            /** Failures allowed per IP before delays; default 20, at least 1. */
            public Builder ipFreeAttempts(int v) { ipFreeAttempts = v; return this; }

            /** Failures allowed per username (from anywhere) before delays; default 50, at least 1. */
            public Builder userFreeAttempts(int v) { userFreeAttempts = v; return this; }

            /** First delay; default 1 second. */
            public Builder baseDelay(Duration v) { baseDelay = v; return this; }

            /** Longest delay, not shorter than the first; default 15 minutes. */
            public Builder maxDelay(Duration v) { maxDelay = v; return this; }

            /**
             * Failures from one IP across this many usernames within a window flag password spraying
             * (audited as {@code CREDENTIAL_STUFFING_SUSPECTED}, reason {@code pattern=spraying;…});
             * default 10, at least 2.
             */
            public Builder stuffingDistinctUsernames(int v) { stuffingDistinctUsernames = v; return this; }

            /**
             * A hard cap on consecutive failures per username from <em>unknown</em> devices within
             * {@link #accountWindow}: once reached, every login of that username from an unknown
             * device is refused until the window closes or a known device logs in, and any
             * successful login resets the count. NIST SP 800-63B §5.2.2 asks for at most 100.
             * Known devices are never refused by it, so the cap cannot lock the owner out
             * (aspnetcore#6836). Default 100; 0 turns it off.
             */
            public Builder accountMaxFailures(int v) { accountMaxFailures = v; return this; }

            /** The window of {@link #accountMaxFailures}, the longest an unknown device waits once the cap is reached; default 24 hours. */
            public Builder accountWindow(Duration v) { accountWindow = v; return this; }

            /**
             * How long a device token, issued at each successful password login from a device that
             * had none, keeps that device known to the account; default 90 days.
             */
            public Builder deviceTokenLifetime(Duration v) { deviceTokenLifetime = v; return this; }

            /**
             * Failed logins from all sources together within a window that flag credential stuffing
             * (audited once per window as {@code CREDENTIAL_STUFFING_SUSPECTED}, reason
             * {@code pattern=stuffing;…}); while at that level, every source is slowed from its
             * second failure. Default 500, at least 2.
             */
            public Builder stuffingGlobalFailures(int v) { stuffingGlobalFailures = v; return this; }

            /**
             * Validates and builds.
             *
             * @throws IllegalArgumentException naming the first bad setting ({@code throttling.…})
             */
            public Throttling build() {
                return new Throttling(this);
            }
        }
    }

    /**
     * The cleanup job: purge of expired sessions, old audit events and attempt counters.
     *
     * <p>Build with {@link #builder()} (starting from the defaults) or {@link #toBuilder()}.
     * Immutable and thread-safe; equal when every setting is equal.
     */
    public static final class Cleanup {

        private final Duration interval;
        private final int batchSize;
        private final Duration revokedRetention;
        private final Duration auditRetention;

        private Cleanup(Builder b) {
            requireNonNegative(b.interval, "cleanup.interval");
            requireAtLeast(b.batchSize, 1, "cleanup.batchSize");
            if (b.batchSize > 100_000) {
                throw new IllegalArgumentException("cleanup.batchSize must be at most 100000: " + b.batchSize);
            }
            requireNonNegative(b.revokedRetention, "cleanup.revokedRetention");
            requirePositive(b.auditRetention, "cleanup.auditRetention");
            this.interval = b.interval;
            this.batchSize = b.batchSize;
            this.revokedRetention = b.revokedRetention;
            this.auditRetention = b.auditRetention;
        }

        /** The defaults listed on the {@link Builder} methods. */
        public static Cleanup defaults() {
            return builder().build();
        }

        /** A builder starting from the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder starting from these settings. */
        public Builder toBuilder() {
            return new Builder().interval(interval).batchSize(batchSize).revokedRetention(revokedRetention)
                    .auditRetention(auditRetention);
        }

        /** Time between runs of the scheduled job; zero when it is disabled. */
        public Duration interval() { return interval; }

        /** Rows per delete statement. */
        public int batchSize() { return batchSize; }

        /** How long revoked sessions are kept. */
        public Duration revokedRetention() { return revokedRetention; }

        /** How long audit events are kept by an {@link AuditLog}. */
        public Duration auditRetention() { return auditRetention; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cleanup c && interval.equals(c.interval) && batchSize == c.batchSize
                    && revokedRetention.equals(c.revokedRetention) && auditRetention.equals(c.auditRetention);
        }

        @Override
        public int hashCode() {
            return Objects.hash(interval, batchSize, revokedRetention, auditRetention);
        }

        @Override
        public String toString() {
            return "Cleanup[interval=" + interval + ", batchSize=" + batchSize + ", revokedRetention="
                    + revokedRetention + ", auditRetention=" + auditRetention + "]";
        }

        /** Builds {@link Cleanup}; {@link #build()} validates and names any bad setting. Not thread-safe. */
        public static final class Builder {
            private Duration interval = Duration.ofMinutes(10);
            private int batchSize = 1000;
            private Duration revokedRetention = Duration.ofDays(1);
            private Duration auditRetention = Duration.ofDays(365);

            private Builder() {
            }

            /**
             * Time between runs; {@link Duration#ZERO} disables the scheduled job
             * ({@code AuthService.purgeExpired()} still works); default 10 minutes.
             */
            public Builder interval(Duration v) { interval = v; return this; }

            /** Rows per delete statement; default 1000, between 1 and 100,000. */
            public Builder batchSize(int v) { batchSize = v; return this; }

            /** How long revoked sessions are kept (for listing and reuse forensics); default 1 day. */
            public Builder revokedRetention(Duration v) { revokedRetention = v; return this; }

            /** How long audit events are kept by an {@link AuditLog}; default 365 days, never zero. */
            public Builder auditRetention(Duration v) { auditRetention = v; return this; }

            /**
             * Validates and builds.
             *
             * @throws IllegalArgumentException naming the first bad setting ({@code cleanup.…})
             */
            public Cleanup build() {
                return new Cleanup(this);
            }
        }
    }

    /**
     * Publishing and scheduled rotation of signing keys, and encryption of access tokens ({@link TokenEncryption}).
     *
     * <p>Publishing (off by default, since each endpoint is one more anonymous path) serves the public
     * keys as a JWK Set at {@code /.well-known/jwks.json} and a discovery document at
     * {@code /.well-known/openid-configuration}, with {@code Cache-Control: max-age} of
     * {@link #jwksMaxAge()}. Rotation makes a new key every {@link #rotationInterval()}, published
     * {@link #publishLead(Duration)} before it signs, so that a verifier that caches the JWK Set
     * has it before the first token it signs (DESIGN: keycloak#49658).
     *
     * <p>Build with {@link #builder()} or {@link #toBuilder()}. Immutable and thread-safe; equal when
     * every setting is equal.
     */
    public static final class Keys {

        private final boolean publishJwks;
        private final Duration jwksMaxAge;
        private final Duration rotationInterval;
        private final TokenEncryption tokenEncryption;

        private Keys(Builder b) {
            requireBetween(b.jwksMaxAge, Duration.ofSeconds(1), Duration.ofDays(1), "keys.jwksMaxAge");
            requireNonNegative(b.rotationInterval, "keys.rotationInterval");
            if (!b.rotationInterval.isZero() && b.rotationInterval.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("keys.rotationInterval must be zero (off) or at least 1 minute: "
                        + b.rotationInterval);
            }
            if (b.tokenEncryption == null) {
                throw new IllegalArgumentException("keys.tokenEncryption must be set");
            }
            this.publishJwks = b.publishJwks;
            this.jwksMaxAge = b.jwksMaxAge;
            this.rotationInterval = b.rotationInterval;
            this.tokenEncryption = b.tokenEncryption;
        }

        /** The defaults listed on the {@link Builder} methods. */
        public static Keys defaults() {
            return builder().build();
        }

        /** A builder starting from the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder starting from these settings. */
        public Builder toBuilder() {
            return new Builder().publishJwks(publishJwks).jwksMaxAge(jwksMaxAge).rotationInterval(rotationInterval)
                    .tokenEncryption(tokenEncryption);
        }

        /** Whether the JWK Set and the discovery document are served. */
        public boolean publishJwks() { return publishJwks; }

        /** The {@code Cache-Control: max-age} of the JWK Set and the discovery document. */
        public Duration jwksMaxAge() { return jwksMaxAge; }

        /** Time between scheduled rotations; zero when keys rotate only when asked. */
        public Duration rotationInterval() { return rotationInterval; }

        /** Whether and how access tokens are encrypted; {@link TokenEncryption#off()} by default. */
        public TokenEncryption tokenEncryption() { return tokenEncryption; }

        /**
         * How long a new key is published before it signs: one cache lifetime of the JWK Set plus one
         * key-reload interval (every node and every caching verifier has seen it by then).
         */
        public Duration publishLead(Duration keyReloadInterval) {
            return jwksMaxAge.plus(keyReloadInterval);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Keys k && publishJwks == k.publishJwks && jwksMaxAge.equals(k.jwksMaxAge)
                    && rotationInterval.equals(k.rotationInterval) && tokenEncryption.equals(k.tokenEncryption);
        }

        @Override
        public int hashCode() {
            return Objects.hash(publishJwks, jwksMaxAge, rotationInterval, tokenEncryption);
        }

        @Override
        public String toString() {
            return "Keys[publishJwks=" + publishJwks + ", jwksMaxAge=" + jwksMaxAge + ", rotationInterval="
                    + rotationInterval + ", tokenEncryption=" + tokenEncryption + "]";
        }

        /** Builds {@link Keys}; {@link #build()} validates and names any bad setting. Not thread-safe. */
        public static final class Builder {
            private boolean publishJwks = false;
            private Duration jwksMaxAge = Duration.ofMinutes(5);
            private Duration rotationInterval = Duration.ofDays(30);
            private TokenEncryption tokenEncryption = TokenEncryption.off();

            private Builder() {
            }

            /**
             * Encryption of access tokens (nested JWT: signed, then encrypted); default
             * {@link TokenEncryption#off()}. See docs/encryption.md.
             */
            public Builder tokenEncryption(TokenEncryption v) { tokenEncryption = v; return this; }

            /** Serve the JWK Set and the discovery document; default {@code false}. */
            public Builder publishJwks(boolean v) { publishJwks = v; return this; }

            /** {@code Cache-Control: max-age} of the published documents; default 5 minutes, 1 second to 1 day. */
            public Builder jwksMaxAge(Duration v) { jwksMaxAge = v; return this; }

            /** Time between scheduled rotations; default 30 days; zero turns scheduled rotation off. */
            public Builder rotationInterval(Duration v) { rotationInterval = v; return this; }

            /**
             * Validates and builds.
             *
             * @throws IllegalArgumentException naming the first bad setting ({@code keys.…})
             */
            public Keys build() {
                return new Keys(this);
            }
        }
    }

    /**
     * Whether and how access tokens are encrypted. With encryption on, an access token is a nested JWT
     * (RFC 7519 §5.2, §A.2): signed exactly as without encryption, then encrypted as a JWE compact
     * serialisation (RFC 7516 §7.1) with {@code cty: "JWT"} and {@code enc: A256GCM}; a node then accepts
     * only such tokens, and only with the pinned {@code alg}/{@code enc} of one of its encryption keys
     * (RFC 8725 §2.7–2.8, §3.11).
     *
     * <ul>
     *   <li>{@link #off()}: signed tokens only (the default).</li>
     *   <li>{@link #direct()}: {@code alg: dir}: only Portcullis nodes read the tokens. The 256-bit
     *       content keys are generated in the {@link SigningKeyStore} (private halves sealed at rest like
     *       signing keys) and rotate on the signing keys' schedule; never published.</li>
     *   <li>{@link #ecdhEs(String)}: {@code alg: ECDH-ES+A256KW} to a recipient's P-256 key, for another
     *       service that holds the private key. Portcullis nodes decrypt the tokens they validate and
     *       refresh, so they hold that private key too: the JWK given must include {@code d}. The key
     *       is copied into the key store on first use; a new key configured later replaces it for new
     *       tokens, and the old one keeps decrypting until its tokens have expired.</li>
     * </ul>
     *
     * <p>Immutable and thread-safe; {@link #toString()} never prints the key.
     */
    public static final class TokenEncryption {

        /** How tokens are encrypted. */
        public enum Mode {
            /** Not encrypted. */
            OFF,
            /** {@code alg: dir}, {@code enc: A256GCM}, keys generated in the key store. */
            DIRECT,
            /** {@code alg: ECDH-ES+A256KW}, {@code enc: A256GCM}, to a configured P-256 recipient key. */
            ECDH_ES
        }

        private static final TokenEncryption OFF = new TokenEncryption(Mode.OFF, "");
        private static final TokenEncryption DIRECT = new TokenEncryption(Mode.DIRECT, "");

        private final Mode mode;
        private final String recipientJwk;

        private TokenEncryption(Mode mode, String recipientJwk) {
            this.mode = mode;
            this.recipientJwk = recipientJwk;
        }

        /** Access tokens are signed only. */
        public static TokenEncryption off() {
            return OFF;
        }

        /** {@code dir} + {@code A256GCM} with content keys generated in the key store. */
        public static TokenEncryption direct() {
            return DIRECT;
        }

        /**
         * {@code ECDH-ES+A256KW} + {@code A256GCM} to the recipient key {@code recipientJwk}: a JSON Web Key
         * (RFC 7517) of type EC on P-256 with its private part {@code d} (the engine checks it when it is
         * built and names the setting if it is not).
         *
         * @throws IllegalArgumentException when {@code recipientJwk} is blank
         */
        public static TokenEncryption ecdhEs(String recipientJwk) {
            if (recipientJwk == null || recipientJwk.isBlank()) {
                throw new IllegalArgumentException("keys.tokenEncryption: ECDH-ES needs the recipient's key as a JWK");
            }
            return new TokenEncryption(Mode.ECDH_ES, recipientJwk.strip());
        }

        /** The mode. */
        public Mode mode() { return mode; }

        /** Whether access tokens are encrypted. */
        public boolean enabled() { return mode != Mode.OFF; }

        /** The recipient key as a JWK (with its private part) for {@link Mode#ECDH_ES}; empty otherwise. */
        public String recipientJwk() { return recipientJwk; }

        @Override
        public boolean equals(Object o) {
            return o instanceof TokenEncryption t && mode == t.mode && recipientJwk.equals(t.recipientJwk);
        }

        @Override
        public int hashCode() {
            return Objects.hash(mode, recipientJwk);
        }

        @Override
        public String toString() {
            return "TokenEncryption[" + mode + (recipientJwk.isEmpty() ? "" : ", recipientJwk=***") + "]";
        }
    }

    public AuthSettings {
        requireText(issuer, "issuer");
        requireText(audience, "audience");
        requirePositive(accessTokenLifetime, "accessTokenLifetime");
        requirePositive(refreshIdleTimeout, "refreshIdleTimeout");
        requirePositive(absoluteSessionLifetime, "absoluteSessionLifetime");
        if (refreshIdleTimeout.compareTo(accessTokenLifetime) < 0) {
            throw new IllegalArgumentException("refreshIdleTimeout (" + refreshIdleTimeout
                    + ") must not be shorter than accessTokenLifetime (" + accessTokenLifetime + ")");
        }
        if (absoluteSessionLifetime.compareTo(refreshIdleTimeout) < 0) {
            throw new IllegalArgumentException("absoluteSessionLifetime (" + absoluteSessionLifetime
                    + ") must not be shorter than refreshIdleTimeout (" + refreshIdleTimeout + ")");
        }
        requireBetween(clockSkew, Duration.ZERO, Duration.ofMinutes(5), "clockSkew");
        requireBetween(refreshGraceWindow, Duration.ZERO, Duration.ofSeconds(60), "refreshGraceWindow");
        requireAtLeast(maxSessionsPerUser, 0, "maxSessionsPerUser");
        Objects.requireNonNull(sessionLimitPolicy, "sessionLimitPolicy");
        if (maxTokenBytes < 512 || maxTokenBytes > 65_536) {
            throw new IllegalArgumentException("maxTokenBytes must be between 512 and 65536: " + maxTokenBytes);
        }
        if (tokenCacheSize < 0) {
            throw new IllegalArgumentException("tokenCacheSize must not be negative: " + tokenCacheSize);
        }
        requireBetween(sessionStatusTtl, Duration.ZERO, Duration.ofMinutes(5), "sessionStatusTtl");
        Objects.requireNonNull(signingAlgorithm, "signingAlgorithm");
        if (!signingAlgorithm.signs()) {
            throw new IllegalArgumentException("signingAlgorithm must be a signing algorithm (RS256, ES256, EdDSA, HS256): "
                    + signingAlgorithm);
        }
        requirePositive(keyReloadInterval, "keyReloadInterval");
        Objects.requireNonNull(throttling, "throttling");
        Objects.requireNonNull(cleanup, "cleanup");
        Objects.requireNonNull(keys, "keys");
        if (!keys.rotationInterval().isZero()
                && keys.rotationInterval().compareTo(keys.publishLead(keyReloadInterval)) <= 0) {
            throw new IllegalArgumentException("keys.rotationInterval (" + keys.rotationInterval()
                    + ") must be longer than keys.jwksMaxAge plus keyReloadInterval (" + keys.publishLead(keyReloadInterval) + ")");
        }
    }

    /** All defaults. */
    public static AuthSettings defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.issuer = issuer;
        b.audience = audience;
        b.accessTokenLifetime = accessTokenLifetime;
        b.refreshIdleTimeout = refreshIdleTimeout;
        b.absoluteSessionLifetime = absoluteSessionLifetime;
        b.clockSkew = clockSkew;
        b.refreshGraceWindow = refreshGraceWindow;
        b.maxSessionsPerUser = maxSessionsPerUser;
        b.sessionLimitPolicy = sessionLimitPolicy;
        b.maxTokenBytes = maxTokenBytes;
        b.tokenCacheSize = tokenCacheSize;
        b.sessionStatusTtl = sessionStatusTtl;
        b.signingAlgorithm = signingAlgorithm;
        b.keyReloadInterval = keyReloadInterval;
        b.throttling = throttling;
        b.cleanup = cleanup;
        b.keys = keys;
        return b;
    }

    /** Builds {@link AuthSettings}; {@link #build()} validates and names any bad setting. Not thread-safe. */
    public static final class Builder {
        private String issuer = "portcullis";
        private String audience = "7g-api";
        private Duration accessTokenLifetime = Duration.ofMinutes(20);
        private Duration refreshIdleTimeout = Duration.ofDays(7);
        private Duration absoluteSessionLifetime = Duration.ofDays(30);
        private Duration clockSkew = Duration.ofSeconds(30);
        private Duration refreshGraceWindow = Duration.ofSeconds(5);
        private int maxSessionsPerUser = 100;
        private SessionLimitPolicy sessionLimitPolicy = SessionLimitPolicy.EVICT_OLDEST;
        private int maxTokenBytes = 8192;
        private long tokenCacheSize = 100_000;
        private Duration sessionStatusTtl = Duration.ofSeconds(5);
        /** Null until set: the default then depends on whether keys are published. */
        private SigningAlgorithm signingAlgorithm;
        private Duration keyReloadInterval = Duration.ofMinutes(1);
        private Throttling throttling = Throttling.defaults();
        private Cleanup cleanup = Cleanup.defaults();
        private Keys keys = Keys.defaults();

        private Builder() {
        }

        /** Token issuer ({@code iss}); default {@code portcullis}. */
        public Builder issuer(String v) { issuer = v; return this; }

        /** Token audience ({@code aud}); default {@code 7g-api}. */
        public Builder audience(String v) { audience = v; return this; }

        /** Access-token lifetime; default 20 minutes. */
        public Builder accessTokenLifetime(Duration v) { accessTokenLifetime = v; return this; }

        /** Idle timeout of a session; default 7 days. */
        public Builder refreshIdleTimeout(Duration v) { refreshIdleTimeout = v; return this; }

        /** Absolute session lifetime; default 30 days. */
        public Builder absoluteSessionLifetime(Duration v) { absoluteSessionLifetime = v; return this; }

        /** Clock skew; default 30 seconds, at most 5 minutes. */
        public Builder clockSkew(Duration v) { clockSkew = v; return this; }

        /** Refresh grace window; default 5 seconds, 0 for strict, at most 60 seconds. */
        public Builder refreshGraceWindow(Duration v) { refreshGraceWindow = v; return this; }

        /**
         * Session limit per user (0 = none) and what to do at the limit; default 100 and
         * {@link SessionLimitPolicy#EVICT_OLDEST} (the evicted session is audited {@code SESSION_LIMIT_EVICTED}).
         */
        public Builder maxSessionsPerUser(int max, SessionLimitPolicy policy) {
            maxSessionsPerUser = max;
            sessionLimitPolicy = policy;
            return this;
        }

        /** Largest accepted access token in bytes; default 8192. */
        public Builder maxTokenBytes(int v) { maxTokenBytes = v; return this; }

        /** Verified-token cache size; default 100,000; 0 disables the cache. */
        public Builder tokenCacheSize(long v) { tokenCacheSize = v; return this; }

        /** Staleness bound of a node's view of session status; default 5 seconds; 0 reads the store every time. */
        public Builder sessionStatusTtl(Duration v) { sessionStatusTtl = v; return this; }

        /**
         * Algorithm of generated keys. Default: EdDSA (Ed25519) when only Portcullis verifies tokens, the
         * cheapest to sign and verify here; RS256 when {@link Keys#publishJwks() keys are published}, since
         * every common JWT library verifies it (Spring Security and Auth0 java-jwt have no EdDSA) and it is
         * the cheapest for a resource server that checks a signature on every request (docs/interop.md).
         */
        public Builder signingAlgorithm(SigningAlgorithm v) { signingAlgorithm = v; return this; }

        /** Key store re-read interval; default 1 minute. */
        public Builder keyReloadInterval(Duration v) { keyReloadInterval = v; return this; }

        /** Throttling settings; default {@link Throttling#defaults()}. */
        public Builder throttling(Throttling v) { throttling = v; return this; }

        /** Cleanup settings; default {@link Cleanup#defaults()}. */
        public Builder cleanup(Cleanup v) { cleanup = v; return this; }

        /** Key publishing and rotation settings; default {@link Keys#defaults()}. */
        public Builder keys(Keys v) { keys = v; return this; }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the first bad setting
         */
        public AuthSettings build() {
            return new AuthSettings(issuer, audience, accessTokenLifetime, refreshIdleTimeout, absoluteSessionLifetime,
                    clockSkew, refreshGraceWindow, maxSessionsPerUser, sessionLimitPolicy, maxTokenBytes,
                    tokenCacheSize, sessionStatusTtl, signingAlgorithm != null ? signingAlgorithm
                            : keys != null && keys.publishJwks() ? SigningAlgorithm.RS256 : SigningAlgorithm.EdDSA,
                    keyReloadInterval, throttling, cleanup, keys);
        }
    }

    private static void requireText(String v, String name) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requirePositive(Duration v, String name) {
        if (v == null) {
            throw new IllegalArgumentException(name + " must be set");
        }
        if (v.isZero() || v.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + v);
        }
    }

    private static void requireNonNegative(Duration v, String name) {
        if (v == null) {
            throw new IllegalArgumentException(name + " must be set");
        }
        if (v.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + v);
        }
    }

    private static void requireBetween(Duration v, Duration min, Duration max, String name) {
        if (v == null) {
            throw new IllegalArgumentException(name + " must be set");
        }
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + v);
        }
    }

    private static void requireAtLeast(int v, int min, String name) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ": " + v);
        }
    }
}

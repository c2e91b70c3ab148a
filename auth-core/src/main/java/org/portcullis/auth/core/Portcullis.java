package org.portcullis.auth.core;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.InvalidationFeed;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.internal.Audit;
import org.portcullis.auth.core.internal.DefaultAuthService;
import org.portcullis.auth.core.internal.account.AccountOps;
import org.portcullis.auth.core.internal.login.ExternalLogin;
import org.portcullis.auth.core.internal.login.LoginFlow;
import org.portcullis.auth.core.internal.oidc.IdTokenVerifier;
import org.portcullis.auth.core.internal.login.PasswordCredentialVerifier;
import org.portcullis.auth.core.internal.login.Throttle;
import org.portcullis.auth.core.internal.refresh.RefreshFlow;
import org.portcullis.auth.core.internal.session.SessionCleanup;
import org.portcullis.auth.core.internal.session.SessionOps;
import org.portcullis.auth.core.internal.session.SessionReads;
import org.portcullis.auth.core.internal.session.SessionWrites;
import org.portcullis.auth.core.internal.token.AccessTokens;
import org.portcullis.auth.core.internal.token.KeyRing;
import org.portcullis.auth.core.internal.token.NestedJwe;
import org.portcullis.auth.core.internal.token.SigningKeyView;
import org.portcullis.auth.core.internal.validate.CacheInvalidation;
import org.portcullis.auth.core.internal.validate.SessionStatus;
import org.portcullis.auth.core.internal.validate.Validator;

/**
 * Entry point: builds an {@link AuthService}.
 *
 * <pre>{@code
 * AuthService auth = Portcullis.builder()
 *         .stores(InMemoryStores.create(Clock.systemUTC()))
 *         .settings(AuthSettings.builder().accessTokenLifetime(Duration.ofMinutes(20)).build())
 *         .build();
 * }</pre>
 */
public final class Portcullis {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Portcullis.class);

    private Portcullis() {
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The validation statistics of a service this class built, for metrics; empty for any other
     * {@link AuthService} (a decorator, a test double).
     */
    public static java.util.Optional<ValidationStats> validationStats(AuthService service) {
        return service instanceof DefaultAuthService d ? java.util.Optional.of(d.validationStats())
                : java.util.Optional.empty();
    }

    /** Builds an {@link AuthService}; {@link #build()} refuses a missing store. Not thread-safe. */
    public static final class Builder {
        private Stores stores;
        private Clock clock = Clock.systemUTC();
        private AuthSettings settings = AuthSettings.defaults();
        private CredentialVerifier verifier;
        private PasswordHasher hasher;
        private Boolean startCleanupJob;
        private CleanupScheduler scheduler = CleanupScheduler.daemonThread();
        private final Map<String, OpenIdProvider> providers = new LinkedHashMap<>();
        private ExternalIdentityStore externalIdentities;

        private Builder() {
        }

        /** The stores (required). */
        public Builder stores(Stores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
            return this;
        }

        /** The clock every time reading goes through; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The settings; default {@link AuthSettings#defaults()}. */
        public Builder settings(AuthSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** A credential check of the application's own; default: Argon2id hashes in {@code stores.users()}. */
        public Builder credentialVerifier(CredentialVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** The password hasher of the default verifier; default {@link PasswordHasher#owasp()}. */
        public Builder passwordHasher(PasswordHasher hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        /**
         * Whether to run the cleanup job through the {@link #cleanupScheduler cleanup scheduler} (by
         * default a daemon thread of the service's own); default: when the settings' cleanup
         * interval is above zero. {@link AuthService#close()} stops it.
         */
        public Builder startCleanupJob(boolean start) {
            this.startCleanupJob = start;
            return this;
        }

        /**
         * What runs the cleanup job when it is started; default {@link CleanupScheduler#daemonThread()}.
         * Setting it does not by itself start the job: see {@link #startCleanupJob(boolean)}.
         */
        public Builder cleanupScheduler(CleanupScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Trusts one more OpenID Connect provider: its ID tokens may then be exchanged for a
         * session ({@code login(new ExternalAssertion(id, idToken, nonce), client)}). Needs
         * {@link #externalIdentities(ExternalIdentityStore)}.
         *
         * @throws IllegalArgumentException when a provider with the same id was added already
         */
        public Builder openIdProvider(OpenIdProvider provider) {
            Objects.requireNonNull(provider, "provider");
            if (providers.putIfAbsent(provider.id(), provider) != null) {
                throw new IllegalArgumentException("openIdProvider " + provider.id() + " added twice");
            }
            return this;
        }

        /**
         * Where the links between external identities and local users live (required with any
         * {@link #openIdProvider}): {@code new InMemoryExternalIdentityStore()} or
         * {@code jdbcStores.externalIdentities()}. Users created just in time go to {@code stores.users()}.
         */
        public Builder externalIdentities(ExternalIdentityStore store) {
            this.externalIdentities = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Builds the service. Nothing is read from the stores yet; the first signing key is
         * generated and published on first use if the key store has none. The service subscribes
         * to the stores' {@link InvalidationFeed} (on PostgreSQL a listening connection of its own,
         * opened in the background) until {@link AuthService#close()}.
         *
         * @throws IllegalStateException when the stores are missing, a custom verifier and a hasher are both set,
         *         or an OpenID provider is set without an external-identity store
         */
        public AuthService build() {
            if (stores == null) {
                throw new IllegalStateException("stores must be set: Portcullis.builder().stores(...)");
            }
            if (verifier != null && hasher != null) {
                throw new IllegalStateException("passwordHasher only applies to the default verifier; "
                        + "a custom credentialVerifier was set too");
            }
            if (!providers.isEmpty() && externalIdentities == null) {
                throw new IllegalStateException("openIdProvider needs externalIdentities(...) to keep the links to users");
            }
            Audit audit = new Audit(stores.audit(), clock);
            PasswordHasher passwords = hasher != null ? hasher : PasswordHasher.owasp();
            CredentialVerifier cv = verifier != null ? verifier
                    : new PasswordCredentialVerifier(stores.users(), passwords, stores.audit(), clock);
            KeyRing.Schedule rotation = new KeyRing.Schedule(settings.keys().rotationInterval(),
                    settings.keys().publishLead(settings.keyReloadInterval()), DefaultAuthService.verifyAfterRetire(settings),
                    settings.accessTokenLifetime().plus(settings.clockSkew()));
            Consumer<SigningKey> keyRotated = key -> stores.audit().record(AuditEvent.builder(AuditEventType.KEY_ROTATED,
                            clock.instant()).reason("kid=" + key.kid() + ";alg=" + key.algorithm().jwsName()
                            + ";activates=" + key.activatesAt()).build());
            // Signing and encryption keys share the store; each ring sees only its own kind.
            KeyRing keys = new KeyRing(SigningKeyView.signing(stores.signingKeys()), clock, settings.keyReloadInterval(),
                    settings.signingAlgorithm(), keyRotated, rotation);
            AuthSettings.TokenEncryption te = settings.keys().tokenEncryption();
            Optional<NestedJwe> encryption = switch (te.mode()) {
                case OFF -> Optional.empty();
                // Encryption keys rotate with the signing keys (same interval and lead), and are never published.
                case DIRECT -> Optional.of(NestedJwe.direct(stores.signingKeys(), clock, settings.keyReloadInterval(),
                        rotation, keyRotated));
                case ECDH_ES -> Optional.of(NestedJwe.ecdhEs(stores.signingKeys(), clock, settings.keyReloadInterval(),
                        te.recipientJwk(), DefaultAuthService.verifyAfterRetire(settings), keyRotated));
            };
            // A key change another node announces, or a revocation here, reaches the encryption keys too.
            encryption.ifPresent(e -> keys.alsoForgets(e.keys()));
            AccessTokens tokens = new AccessTokens(keys, encryption, settings, clock);
            SessionStatus status = new SessionStatus(stores.sessions(), settings.sessionStatusTtl(),
                    Math.max(10_000, settings.tokenCacheSize()), clock);
            boolean schedule = startCleanupJob != null ? startCleanupJob : !settings.cleanup().interval().isZero();
            if (schedule && settings.cleanup().interval().isZero()) {
                throw new IllegalStateException("startCleanupJob(true) needs cleanup.interval above zero");
            }
            // Each part gets exactly the collaborators it uses; only SessionWrites may change a session.
            SessionReads reads = new SessionReads(stores.sessions());
            SessionWrites writes = new SessionWrites(stores.sessions(), stores.transactions(), audit, status);
            Throttle throttle = new Throttle(stores.attempts(), settings.throttling());
            Map<String, IdTokenVerifier> verifiers = new LinkedHashMap<>();
            providers.forEach((id, p) -> verifiers.put(id, new IdTokenVerifier(p, clock)));
            ExternalLogin external = new ExternalLogin(verifiers, externalIdentities, stores.users(), throttle, audit, clock);
            LoginFlow login = new LoginFlow(settings, clock, throttle, cv, tokens, reads, writes, audit, external);
            AccountOps accounts = new AccountOps(stores.users(), passwords, throttle, writes, stores.transactions(),
                    audit, clock, Optional.ofNullable(externalIdentities));
            Validator validator = new Validator(tokens, keys, status, settings, clock);
            RefreshFlow refresh = new RefreshFlow(settings, clock, cv, tokens, validator, reads, writes, audit);
            SessionOps ops = new SessionOps(reads, writes, audit, clock);
            Optional<AuditLog> auditLog = stores.audit() instanceof AuditLog log ? Optional.of(log) : Optional.empty();
            SessionCleanup cleanup = new SessionCleanup(writes, stores.attempts(), auditLog, settings.cleanup(), audit, clock);
            if (settings.keys().publishJwks() && !settings.signingAlgorithm().asymmetric()) {
                // An HMAC key has no public half (RFC 7518 §3.2): the JWK Set stays empty.
                LOG.warn("keys.publishJwks is on but signingAlgorithm is {}: a symmetric key is never published, "
                        + "so the JWK Set is empty; choose RS256, ES256 or EdDSA for other services to verify tokens",
                        settings.signingAlgorithm());
            }
            // Other nodes' revocations reach this node's caches through the store's feed, if it has one;
            // the staleness bounds above hold either way.
            InvalidationFeed.Subscription invalidations = stores.invalidations()
                    .subscribe(new CacheInvalidation(status, validator));
            return new DefaultAuthService(settings, keys, login, refresh, validator, ops, accounts, cleanup, reads, audit,
                    schedule ? scheduler : null, invalidations);
        }
    }
}

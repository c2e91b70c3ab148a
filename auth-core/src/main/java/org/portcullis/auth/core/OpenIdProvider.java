package org.portcullis.auth.core;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.portcullis.auth.core.internal.oidc.FetchPolicy;

/**
 * One trusted OpenID Connect provider whose ID tokens may be exchanged for a Portcullis session
 * ({@code POST /user/login} with {@code {"provider","idToken","nonce"?}}), handed to
 * {@link Portcullis.Builder#openIdProvider(OpenIdProvider)}.
 *
 * <pre>{@code
 * OpenIdProvider google = OpenIdProvider.builder("google")
 *         .issuer("https://accounts.google.com")
 *         .clientIds("1234-abc.apps.googleusercontent.com")
 *         .build();
 * }</pre>
 *
 * <p>Keys come from the provider's discovery document ({@code discoveryUrl}, by default
 * {@code <issuer>/.well-known/openid-configuration}) and the JWKS it names, fetched with a
 * timeout and a size limit, cached, and fetched again on an unknown {@code kid} at most once per
 * {@link #keyRefreshInterval()}. Every URL must be {@code https}; plain {@code http} is accepted
 * only for a loopback host, for tests.
 *
 * <p>Immutable and thread-safe. {@link Builder#build()} refuses nonsense and names the setting.
 */
public final class OpenIdProvider {

    /** A provider id: lower-case letters, digits and {@code _}, as it also appears in environment variable names. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_]{0,62}");

    /**
     * The algorithms accepted by default: RSA and elliptic-curve signatures. Never {@code none}
     * and never an HMAC, whose key would be the provider's client secret, not its published key
     * (RFC 8725 §3.1, §2.1).
     */
    public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");

    private final String id;
    private final String issuer;
    private final Set<String> clientIds;
    private final URI discoveryUrl;
    private final Optional<URI> jwksUrl;
    private final Set<String> algorithms;
    private final Duration clockSkew;
    private final Duration maxAge;
    private final boolean justInTimeUsers;
    private final boolean linkByVerifiedEmail;
    private final Duration keyRefreshInterval;
    private final Duration keyCacheLifetime;
    private final Duration httpTimeout;
    private final int maxDocumentBytes;
    private final Set<String> trustedAudiences;
    private final boolean requireNonce;
    private final int subjectLoginLimit;
    private final Duration subjectLoginWindow;
    private final int replayCacheSize;

    private OpenIdProvider(Builder b) {
        this.id = b.id;
        this.issuer = b.issuer;
        this.clientIds = Set.copyOf(b.clientIds);
        this.discoveryUrl = b.discoveryUrl != null ? b.discoveryUrl
                : URI.create(stripSlash(b.issuer) + "/.well-known/openid-configuration");
        this.jwksUrl = Optional.ofNullable(b.jwksUrl);
        this.algorithms = Set.copyOf(b.algorithms);
        this.clockSkew = b.clockSkew;
        this.maxAge = b.maxAge;
        this.justInTimeUsers = b.justInTimeUsers;
        this.linkByVerifiedEmail = b.linkByVerifiedEmail;
        this.keyRefreshInterval = b.keyRefreshInterval;
        this.keyCacheLifetime = b.keyCacheLifetime;
        this.httpTimeout = b.httpTimeout;
        this.maxDocumentBytes = b.maxDocumentBytes;
        this.trustedAudiences = Set.copyOf(b.trustedAudiences);
        this.requireNonce = b.requireNonce;
        this.subjectLoginLimit = b.subjectLoginLimit;
        this.subjectLoginWindow = b.subjectLoginWindow;
        this.replayCacheSize = b.replayCacheSize;
    }

    /**
     * A builder for the provider with this id.
     *
     * @param id lower-case letters, digits and {@code _} (1 to 63), such as {@code google}; the
     *           {@code provider} member of a login body names it
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** The id a login body names this provider by. */
    public String id() {
        return id;
    }

    /** The issuer identifier; an ID token's {@code iss} must equal it exactly. */
    public String issuer() {
        return issuer;
    }

    /** The client ids registered at the provider for this application; an ID token's {@code aud} must contain one. */
    public Set<String> clientIds() {
        return clientIds;
    }

    /** Where the discovery document is read from. */
    public URI discoveryUrl() {
        return discoveryUrl;
    }

    /** The JWKS address, when set explicitly; otherwise the discovery document's {@code jwks_uri} is used. */
    public Optional<URI> jwksUrl() {
        return jwksUrl;
    }

    /** The JWS algorithms an ID token may be signed with. */
    public Set<String> algorithms() {
        return algorithms;
    }

    /** The tolerance for the provider's clock when checking {@code exp}, {@code iat} and {@code nbf}. */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** How old an ID token (by its {@code iat}) may be when it is exchanged. */
    public Duration maxAge() {
        return maxAge;
    }

    /** Whether a first login of an unknown external identity creates a local user for it. */
    public boolean justInTimeUsers() {
        return justInTimeUsers;
    }

    /**
     * Whether a first login of an unknown external identity may link to the existing local user
     * whose username is the token's e-mail address, when the token says that address is verified.
     */
    public boolean linkByVerifiedEmail() {
        return linkByVerifiedEmail;
    }

    /** The shortest time between two fetches of the JWKS (the first one, or one for an unknown {@code kid}). */
    public Duration keyRefreshInterval() {
        return keyRefreshInterval;
    }

    /** How long fetched keys are used before they are fetched again. */
    public Duration keyCacheLifetime() {
        return keyCacheLifetime;
    }

    /** The connect and read timeout of each fetch. */
    public Duration httpTimeout() {
        return httpTimeout;
    }

    /** The largest discovery document or JWKS accepted, in bytes. */
    public int maxDocumentBytes() {
        return maxDocumentBytes;
    }

    /**
     * Audiences besides {@link #clientIds()} that an ID token may also name without being refused;
     * empty by default. OpenID Connect Core §3.1.3.7 step 3: a token whose {@code aud} holds an
     * audience that is neither a client id nor in this set is refused.
     */
    public Set<String> trustedAudiences() {
        return trustedAudiences;
    }

    /** Whether every login must send a {@code nonce} that the token carries; default off (see docs/identity-providers.md). */
    public boolean requireNonce() {
        return requireNonce;
    }

    /** The most successful logins of one external identity per {@link #subjectLoginWindow()}; default 20. */
    public int subjectLoginLimit() {
        return subjectLoginLimit;
    }

    /** The window of {@link #subjectLoginLimit()}; default 10 minutes. */
    public Duration subjectLoginWindow() {
        return subjectLoginWindow;
    }

    /** How many exchanged ID tokens are remembered to refuse their reuse; default 100,000. */
    public int replayCacheSize() {
        return replayCacheSize;
    }

    @Override
    public String toString() {
        return "OpenIdProvider[" + id + ", issuer=" + issuer + ", clientIds=" + clientIds + "]";
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Builds an {@link OpenIdProvider}. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private String issuer;
        private Set<String> clientIds = Set.of();
        private URI discoveryUrl;
        private URI jwksUrl;
        private Set<String> algorithms = DEFAULT_ALGORITHMS;
        private Duration clockSkew = Duration.ofSeconds(30);
        private Duration maxAge = Duration.ofMinutes(10);
        private boolean justInTimeUsers;
        private boolean linkByVerifiedEmail;
        private Duration keyRefreshInterval = Duration.ofSeconds(60);
        private Duration keyCacheLifetime = Duration.ofMinutes(15);
        private Duration httpTimeout = Duration.ofSeconds(5);
        private int maxDocumentBytes = 256 * 1024;
        private Set<String> trustedAudiences = Set.of();
        private boolean requireNonce;
        private int subjectLoginLimit = 20;
        private Duration subjectLoginWindow = Duration.ofMinutes(10);
        private int replayCacheSize = 100_000;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        /** The issuer identifier (required), exactly as the provider writes it in {@code iss}. */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /** The accepted client ids (required, at least one). */
        public Builder clientIds(String... clientIds) {
            return clientIds(List.of(clientIds));
        }

        /** The accepted client ids (required, at least one). */
        public Builder clientIds(Collection<String> clientIds) {
            this.clientIds = new LinkedHashSet<>(clientIds);
            return this;
        }

        /** The discovery document's address; default {@code <issuer>/.well-known/openid-configuration}. */
        public Builder discoveryUrl(URI discoveryUrl) {
            this.discoveryUrl = Objects.requireNonNull(discoveryUrl, "discoveryUrl");
            return this;
        }

        /** The JWKS address, to skip discovery; default: the discovery document's {@code jwks_uri}. */
        public Builder jwksUrl(URI jwksUrl) {
            this.jwksUrl = Objects.requireNonNull(jwksUrl, "jwksUrl");
            return this;
        }

        /** The accepted JWS algorithms; default {@link OpenIdProvider#DEFAULT_ALGORITHMS}. {@code none} and HMACs are refused. */
        public Builder algorithms(String... algorithms) {
            this.algorithms = Set.of(algorithms);
            return this;
        }

        /** The clock tolerance; default 30 seconds, at most 5 minutes. */
        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
            return this;
        }

        /** The greatest age of an ID token at exchange, by its {@code iat}; default 10 minutes. */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
            return this;
        }

        /** Whether to create a local user on the first login of an unknown external identity; default off. */
        public Builder justInTimeUsers(boolean on) {
            this.justInTimeUsers = on;
            return this;
        }

        /**
         * Whether the first login of an unknown external identity may link the local user whose
         * username equals the token's {@code email}, when {@code email_verified} is true; default off.
         * Turn it on only for a provider that verifies addresses and that you trust to say so.
         */
        public Builder linkByVerifiedEmail(boolean on) {
            this.linkByVerifiedEmail = on;
            return this;
        }

        /** The shortest time between two JWKS fetches; default 60 seconds. */
        public Builder keyRefreshInterval(Duration interval) {
            this.keyRefreshInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** How long fetched keys are kept; default 15 minutes. */
        public Builder keyCacheLifetime(Duration lifetime) {
            this.keyCacheLifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /** The connect and read timeout of each fetch; default 5 seconds. */
        public Builder httpTimeout(Duration timeout) {
            this.httpTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The largest discovery document or JWKS accepted, in bytes; default 256 KiB. */
        public Builder maxDocumentBytes(int bytes) {
            this.maxDocumentBytes = bytes;
            return this;
        }

        /**
         * Audiences other than the client ids that an ID token may name too (for example an API
         * the provider adds to every token); default none. Any other extra audience is refused
         * (OpenID Connect Core §3.1.3.7 step 3).
         */
        public Builder trustedAudiences(String... audiences) {
            this.trustedAudiences = new LinkedHashSet<>(List.of(audiences));
            return this;
        }

        /**
         * Whether a login must send a {@code nonce} (and the token carry the same one); default
         * off. Whatever this says, a token that carries a {@code nonce} is refused when the login
         * sends none (OpenID Connect Core §3.1.3.7 step 11).
         */
        public Builder requireNonce(boolean on) {
            this.requireNonce = on;
            return this;
        }

        /**
         * At most {@code limit} successful logins of one external identity per {@code window}
         * (default 20 per 10 minutes); more answer {@code THROTTLED}: one ID token, or a stream of
         * them, cannot open sessions without limit.
         */
        public Builder subjectLoginLimit(int limit, Duration window) {
            this.subjectLoginLimit = limit;
            this.subjectLoginWindow = Objects.requireNonNull(window, "window");
            return this;
        }

        /** How many exchanged ID tokens are remembered to refuse a second exchange; default 100,000. */
        public Builder replayCacheSize(int size) {
            this.replayCacheSize = size;
            return this;
        }

        /**
         * Builds the provider.
         *
         * @throws IllegalStateException naming the setting, when the id, issuer, client ids, an
         *         address, an algorithm or a duration is missing or out of range
         */
        public OpenIdProvider build() {
            if (!ID.matcher(id).matches()) {
                throw new IllegalStateException("openIdProvider id '" + id
                        + "': lower-case letters, digits and _ only, 1 to 63 characters");
            }
            String name = "openIdProvider " + id + ": ";
            if (issuer == null || issuer.isBlank()) {
                throw new IllegalStateException(name + "issuer must be set");
            }
            URI issuerUri;
            try {
                issuerUri = URI.create(issuer);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(name + "issuer is not a URL");
            }
            // OpenID Connect Core §2: the issuer is an https URL (loopback http is allowed for tests).
            if (!FetchPolicy.secureOrLoopback(issuerUri) || issuerUri.getQuery() != null || issuerUri.getFragment() != null) {
                throw new IllegalStateException(name + "issuer must be an https URL without query or fragment");
            }
            if (clientIds.isEmpty() || clientIds.stream().anyMatch(c -> c == null || c.isBlank())) {
                throw new IllegalStateException(name + "clientIds must name at least one client id, none blank");
            }
            if (discoveryUrl != null && !FetchPolicy.secureOrLoopback(discoveryUrl)) {
                throw new IllegalStateException(name + "discoveryUrl must be https (http only for a loopback host)");
            }
            if (jwksUrl != null && !FetchPolicy.secureOrLoopback(jwksUrl)) {
                throw new IllegalStateException(name + "jwksUrl must be https (http only for a loopback host)");
            }
            if (algorithms.isEmpty() || !DEFAULT_ALGORITHMS.containsAll(algorithms)) {
                throw new IllegalStateException(name + "algorithms must be among " + DEFAULT_ALGORITHMS
                        + " (never none, never an HMAC: RFC 8725 §3.1)");
            }
            if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalStateException(name + "clockSkew must be between 0 and 5 minutes");
            }
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalStateException(name + "maxAge must be above zero");
            }
            if (keyRefreshInterval.isNegative() || keyRefreshInterval.isZero()) {
                throw new IllegalStateException(name + "keyRefreshInterval must be above zero");
            }
            if (keyCacheLifetime.compareTo(keyRefreshInterval) < 0) {
                throw new IllegalStateException(name + "keyCacheLifetime must be at least keyRefreshInterval");
            }
            if (httpTimeout.isNegative() || httpTimeout.isZero() || httpTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalStateException(name + "httpTimeout must be above zero and at most 1 minute");
            }
            if (maxDocumentBytes < 1024 || maxDocumentBytes > 16 * 1024 * 1024) {
                throw new IllegalStateException(name + "maxDocumentBytes must be between 1 KiB and 16 MiB");
            }
            if (trustedAudiences.stream().anyMatch(a -> a == null || a.isBlank())) {
                throw new IllegalStateException(name + "trustedAudiences must not be blank");
            }
            if (subjectLoginLimit < 1 || subjectLoginWindow.isNegative() || subjectLoginWindow.isZero()) {
                throw new IllegalStateException(name + "subjectLoginLimit must be at least 1 per window above zero");
            }
            if (replayCacheSize < 1_000 || replayCacheSize > 10_000_000) {
                throw new IllegalStateException(name + "replayCacheSize must be between 1,000 and 10,000,000");
            }
            return new OpenIdProvider(this);
        }
    }
}

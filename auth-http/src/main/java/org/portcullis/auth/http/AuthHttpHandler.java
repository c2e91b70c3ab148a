package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.internal.ClientAddresses;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The 7G User endpoints over an {@link AuthService}, independent of any web server: an adapter
 * turns its server's request into an {@link AuthHttpRequest}, calls {@link #handle}, and writes
 * the {@link AuthHttpResponse}. The servlet ({@code org.portcullis.auth.http.servlet}), the Javalin
 * adapter ({@code auth-javalin}) and the standalone server ({@code auth-server}) are such adapters.
 *
 * <h2>Two calls</h2>
 * {@link #handle} answers the 7G endpoints (mount it on {@code /user/*} and {@code /common/*}, and
 * on {@code /.well-known/*} when keys are published).
 * {@link #admit} protects the application's own routes: call it before them, send
 * {@link Admission#answer()} when there is one, otherwise add {@link Admission#responseHeaders()}
 * to the application's response and give it {@link Admission#caller()}. {@code handle} admits
 * by itself, so the 7G endpoints are safe with or without {@code admit} in front.
 *
 * <h2>Endpoints</h2>
 * <pre>
 * POST   /user/login              anonymous  {"username","password"} ("userName" accepted) → 200 token response
 * POST   /user/refreshToken       bearer (may be expired)  {"refreshToken"} → 200 token response
 * POST   /user/logout             bearer     → 204
 * POST   /user/logoutAll          bearer     → 204
 * GET    /user/sessions           bearer     → 200 [ {sessionId, createdAt, lastRefreshedAt, expiresAt,
 *                                              idleExpiresAt, absoluteExpiresAt, clientIp, userAgent,
 *                                              refreshCount, current} ]
 * DELETE /user/sessions/{id}      bearer     → 204; not one of the caller's active sessions → 404
 * GET    /user/me                 bearer     → 200 {userId, username, roles, sessionId}
 * GET    /common/lookup           anonymous  → 200 {errorCodes, auditEventTypes, settings, anonymousPaths}
 * GET    /common/HealthCheck      anonymous  → 200 {"status":"Healthy"} or 503 {"status":"Unhealthy"}
 * GET    /.well-known/jwks.json   anonymous, opt-in → 200 JWK Set of the public verification keys
 * GET    /.well-known/openid-configuration  anonymous, opt-in → 200 {issuer, jwks_uri, access_token_signing_alg_values_supported}
 * </pre>
 * The two opt-in documents exist only when the engine's settings publish keys
 * ({@code AuthSettings.Keys#publishJwks}); otherwise their paths are unknown like any other. They
 * carry {@code Cache-Control: public, max-age} and an {@code ETag}, and answer {@code If-None-Match}
 * with 304.
 * Token response: {@code {"accessToken","refreshToken","tokenType":"Bearer","expiresIn","expiresAt",
 * "refreshExpiresAt","sessionId"}}, {@code expiresIn} in seconds, instants in ISO-8601 UTC. Every
 * response carries {@code Cache-Control: no-store}, since most hold tokens or session data.
 *
 * <h2>Who may pass</h2>
 * Only {@code /user/login}, {@code /common/lookup} and {@code /common/HealthCheck} are anonymous,
 * matched exactly (case and all). Every other path, known or not, answers 401 unless the request
 * carries a valid access token; only then does an unknown path answer 404 and a wrong method 405.
 * {@code /user/refreshToken} needs a bearer token too, which the engine verifies allowing expiry.
 * {@code HEAD} is answered wherever {@code GET} is, without content. Application paths follow the
 * {@link AccessRules} given to {@link Builder#accessRules} (authenticated unless a rule says
 * otherwise); those rules can never reach the 7G paths. With a {@link CorsPolicy}, CORS preflights
 * are answered before any of this.
 *
 * <h2>What an adapter must do with an {@link AuthHttpResponse}</h2>
 * Every response (from {@code handle} and in {@link Admission#answer()}) is already framed for the
 * request it answers, so an adapter only copies:
 * <ol>
 *   <li>set the status, and copy <em>every</em> header in {@link AuthHttpResponse#headers()} as it is,
 *       {@code Content-Length} included; {@code Cache-Control}, {@code WWW-Authenticate},
 *       {@code Retry-After}, {@code Allow} and the CORS headers are all part of the contract;</li>
 *   <li>write {@link AuthHttpResponse#body()} as it is, and nothing when it is empty;</li>
 *   <li>add no {@code Content-Type} of its own: a response without one (a 204, say) must leave
 *       without one (RFC 9110 §8.3, §15.3.5), so clear the server's default;</li>
 *   <li>not recompute {@code Content-Length} for {@code HEAD}: the answer to {@code HEAD} has the
 *       same headers as the answer to {@code GET}, {@code Content-Length} included, and no body
 *       (RFC 9110 §9.3.2, §8.6); a 204 has neither {@code Content-Length} nor a body.</li>
 * </ol>
 *
 * <h2>Errors</h2>
 * RFC 9457 problem details ({@code application/problem+json}) with members {@code type},
 * {@code title}, {@code status}, {@code detail} and {@code code}, the {@link ErrorCode} name;
 * never a stack trace or request data. Status by code:
 * <table>
 * <caption>ErrorCode to HTTP status</caption>
 * <tr><td>INVALID_CREDENTIALS, TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED,
 *     REFRESH_TOKEN_INVALID, REFRESH_TOKEN_EXPIRED, REFRESH_TOKEN_REUSED, SESSION_MISMATCH</td><td>401</td></tr>
 * <tr><td>ACCOUNT_DISABLED, SESSION_LIMIT_REACHED</td><td>403</td></tr>
 * <tr><td>FORBIDDEN: an {@link AccessRules} role rule the caller does not meet, with
 *     {@code WWW-Authenticate: Bearer error="insufficient_scope"} (RFC 6750 §3.1)</td><td>403</td></tr>
 * <tr><td>SESSION_NOT_FOUND</td><td>404</td></tr>
 * <tr><td>REFRESH_CONFLICT (retryable)</td><td>409</td></tr>
 * <tr><td>THROTTLED, with {@code Retry-After} in seconds rounded up</td><td>429</td></tr>
 * <tr><td>UNSUPPORTED_CREDENTIAL, MALFORMED_REQUEST</td><td>400</td></tr>
 * <tr><td>MALFORMED_REQUEST: body over the cap</td><td>413</td></tr>
 * <tr><td>MALFORMED_REQUEST: body not {@code application/json} (or {@code +json}) in UTF-8, or encoded</td><td>415</td></tr>
 * <tr><td>MALFORMED_REQUEST: headers over the cap</td><td>431</td></tr>
 * <tr><td>MALFORMED_REQUEST: unknown path / wrong method (after authentication)</td><td>404 / 405 with {@code Allow}</td></tr>
 * <tr><td>STORE_UNAVAILABLE</td><td>503</td></tr>
 * <tr><td>{@code INTERNAL_ERROR} (a bug of ours; nothing a client sends can cause it)</td><td>500</td></tr>
 * </table>
 * Every 401 carries an RFC 6750 §3 challenge: {@code Bearer realm="portcullis", error="invalid_token"},
 * or {@code error="invalid_request"} when the {@code Authorization} header is not a well-formed
 * bearer credential; a failed login's challenge carries no error, since no token was involved.
 *
 * <h2>Client address</h2>
 * The socket peer, or with {@link Builder#trustedProxies} the right-most {@code X-Forwarded-For}
 * entry that is not a trusted proxy.
 *
 * <p>Thread-safe and stateless between calls; one instance serves every request.
 * {@link #handle} never throws for anything in the request.
 */
public final class AuthHttpHandler {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthHttpHandler.class);

    /** Default cap on a request body: 16 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
    /** Default cap on all request headers together (names and values): 16 KiB. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    /** Default hint to clients of how long before expiry to refresh: 30 seconds. */
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(30);

    /** The only 7G paths served without an access token; fixed by the contract, whatever the {@link AccessRules}. */
    public static final Set<String> ANONYMOUS_PATHS = RouteTable.ANONYMOUS_PATHS;

    private final AuthService service;
    private final ClientAddresses addresses;
    private final Gate gate;
    private final RouteTable routes;
    private final Set<String> anonymousPaths;

    private AuthHttpHandler(Builder b) {
        this.service = b.service;
        this.addresses = ClientAddresses.trusting(b.trustedProxies);
        AuthSettings settings = b.service.settings();
        KeyDocuments documents = new KeyDocuments(b.service, settings.keys().jwksMaxAge(),
                KeyDocuments.jwksUri(b.publicBaseUri, settings.issuer()));
        Set<String> optedIn = new HashSet<>();
        if (settings.keys().publishJwks()) {
            optedIn.add(RouteTable.JWKS);
            if (documents.hasMetadata()) {
                optedIn.add(RouteTable.DISCOVERY);
            } else {
                LOG.warn("keys are published at {} but {} is not served: it must name the JWK Set's absolute URI; "
                        + "give the handler a publicBaseUri or make the issuer an https URI", RouteTable.JWKS,
                        RouteTable.DISCOVERY);
            }
        }
        this.anonymousPaths = RouteTable.anonymousPaths(optedIn);
        this.routes = new RouteTable(new UserEndpoints(b.service, new JsonBodies(b.maxBodyBytes), this::clientInfo,
                new Representations.Limits(b.refreshMargin, b.maxBodyBytes, b.maxHeaderBytes), documents,
                anonymousPaths), optedIn);
        this.gate = new Gate(b.service, routes, b.accessRules, b.cors, b.maxHeaderBytes);
    }

    /**
     * The paths this handler serves without an access token: {@link #ANONYMOUS_PATHS}, plus
     * {@code /.well-known/jwks.json} and {@code /.well-known/openid-configuration} when the engine's
     * settings publish keys ({@code AuthSettings.Keys#publishJwks}).
     */
    public Set<String> anonymousPaths() {
        return anonymousPaths;
    }

    /** A builder over the given service; see the setters for defaults. */
    public static Builder builder(AuthService service) {
        return new Builder(service);
    }

    /** Whether a raw path is one of the three anonymous 7G endpoints. */
    public static boolean isAnonymous(String path) {
        return ANONYMOUS_PATHS.contains(path);
    }

    /** The service behind this handler. */
    public AuthService service() {
        return service;
    }

    /**
     * Answers one request to the 7G endpoints: admits it ({@link #admit}), then serves it. Never
     * throws for anything the request contains: bad input becomes a 4xx problem, an unreachable
     * store a 503, and a bug of ours a 500 without details (logged). The response is framed for
     * the request (see the class notes on {@code HEAD} and 204).
     */
    public AuthHttpResponse handle(AuthHttpRequest request) {
        Objects.requireNonNull(request, "request");
        Admission admission;
        try {
            admission = admit(request);
        } catch (RuntimeException e) {
            return Responses.finish(request, Failures.of(e, "admitting", request));
        }
        if (admission.answer().isPresent()) {
            return admission.answer().get();
        }
        AuthHttpResponse response;
        try {
            response = routes.dispatch(request, admission.caller().orElse(null));
        } catch (RuntimeException e) {
            response = Failures.of(e, "serving", request);
        }
        return Responses.finish(request, Responses.withHeaders(response, admission.responseHeaders()));
    }

    /**
     * Decides whether a request may reach what it asks for, without reading its body. A CORS
     * preflight (with a {@link CorsPolicy}) is answered at once; the 7G anonymous paths and the
     * {@link AccessRules} anonymous paths pass; {@code /user/refreshToken} passes with a well-formed
     * bearer token (its endpoint verifies it, allowing expiry); every other path needs a valid
     * access token, and on a role rule's path a principal with one of its roles. This is what the
     * servlet filter and the Javalin adapter call for every request.
     *
     * @return {@link Admission.Granted} with the caller, {@link Admission.Open},
     *         {@link Admission.Refused} with the response to send (401, 403, 431 or 503; 500 for a bug
     *         of ours), or {@link Admission.Preflight} with the preflight's answer
     */
    public Admission admit(AuthHttpRequest request) {
        Objects.requireNonNull(request, "request");
        return gate.admit(request);
    }

    /** Where the request came from: the client address (see the class notes) and the user agent. */
    public ClientInfo clientInfo(AuthHttpRequest request) {
        String ip = addresses.resolve(request.remoteAddress(), request.headers("X-Forwarded-For"));
        return new ClientInfo(ip, request.header("User-Agent").orElse(""));
    }

    /**
     * Builds an {@link AuthHttpHandler}; {@link #build()} validates. Not thread-safe.
     */
    public static final class Builder {
        private final AuthService service;
        private List<String> trustedProxies = List.of();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private Duration refreshMargin = DEFAULT_REFRESH_MARGIN;
        private AccessRules accessRules = AccessRules.none();
        private CorsPolicy cors;
        private URI publicBaseUri;

        private Builder(AuthService service) {
            this.service = Objects.requireNonNull(service, "service");
        }

        /**
         * Proxies whose {@code X-Forwarded-For} is believed: IP literals or CIDR ranges. Default none,
         * so the socket address is the client.
         */
        public Builder trustedProxies(Collection<String> proxies) {
            this.trustedProxies = List.copyOf(proxies);
            return this;
        }

        /** Largest accepted request body; default 16 KiB; between 1 KiB and 1 MiB. */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Largest accepted total of request headers (names and values); default 16 KiB; between
         * 4 KiB and 1 MiB. It must leave room for an access token of the engine's largest size.
         * The server in front has its own limit (often 8 KiB); raise it above this one, or the
         * server answers first, in its own format.
         */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        /** How long before expiry clients are told to refresh (in {@code /common/lookup}); default 30 seconds. */
        public Builder refreshMargin(Duration margin) {
            this.refreshMargin = margin;
            return this;
        }

        /** Who may reach the application's own paths; default {@link AccessRules#none()} (all need a token). */
        public Builder accessRules(AccessRules rules) {
            this.accessRules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /** Answers CORS preflights and adds CORS headers per the policy; default none (no CORS at all). */
        public Builder cors(CorsPolicy policy) {
            this.cors = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The absolute URI clients reach this handler at (scheme, host, port and any context path),
         * from which the discovery metadata names {@code jwks_uri}. Default: the issuer, when the
         * settings' issuer is an absolute http(s) URI; otherwise, with key publishing on, the JWK Set
         * is served but the metadata is not.
         */
        public Builder publicBaseUri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            if (!uri.isAbsolute() || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("publicBaseUri must be an absolute http(s) URI without query: " + uri);
            }
            this.publicBaseUri = uri;
            return this;
        }

        /**
         * Builds the handler.
         *
         * @throws IllegalArgumentException naming the first bad setting
         */
        public AuthHttpHandler build() {
            if (maxBodyBytes < 1024 || maxBodyBytes > 1 << 20) {
                throw new IllegalArgumentException("maxBodyBytes must be between 1024 and 1048576: " + maxBodyBytes);
            }
            if (maxHeaderBytes < 4096 || maxHeaderBytes > 1 << 20) {
                throw new IllegalArgumentException("maxHeaderBytes must be between 4096 and 1048576: " + maxHeaderBytes);
            }
            if (refreshMargin == null || refreshMargin.isNegative()) {
                throw new IllegalArgumentException("refreshMargin must be zero or positive");
            }
            return new AuthHttpHandler(this);
        }
    }
}

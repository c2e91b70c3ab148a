package org.portcullis.auth.http;

import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.text.LogText;
import org.portcullis.auth.http.internal.ClientAddresses;
import org.portcullis.auth.http.internal.Json;
import org.portcullis.auth.http.internal.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The 7G User endpoints over an {@link AuthService}, independent of any web server: an adapter
 * turns its server's request into an {@link AuthHttpRequest}, calls {@link #handle}, and writes
 * the {@link AuthHttpResponse}. The servlet ({@code org.portcullis.auth.http.servlet}) and the
 * standalone server ({@code org.portcullis.auth.server}) are two such adapters.
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
 * </pre>
 * Token response: {@code {"accessToken","refreshToken","tokenType":"Bearer","expiresIn","expiresAt",
 * "refreshExpiresAt","sessionId"}}, {@code expiresIn} in seconds, instants in ISO-8601 UTC. Every
 * response carries {@code Cache-Control: no-store}, since most hold tokens or session data.
 *
 * <h2>Who may pass</h2>
 * Only {@code /user/login}, {@code /common/lookup} and {@code /common/HealthCheck} are anonymous,
 * matched exactly (case and all). Every other path, known or not, answers 401 unless the request
 * carries a valid access token; only then does an unknown path answer 404 and a wrong method 405.
 * {@code /user/refreshToken} needs a bearer token too, which the engine verifies allowing expiry.
 * {@code HEAD} is answered wherever {@code GET} is, without content.
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

    /** Default cap on a request body: 16 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
    /** Default cap on all request headers together (names and values): 16 KiB. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    /** Default hint to clients of how long before expiry to refresh: 30 seconds. */
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(30);

    /** The only paths served without an access token. */
    public static final Set<String> ANONYMOUS_PATHS = Set.of("/user/login", "/common/lookup", "/common/HealthCheck");

    static final String LOGIN = "/user/login";
    static final String REFRESH = "/user/refreshToken";
    static final String LOGOUT = "/user/logout";
    static final String LOGOUT_ALL = "/user/logoutAll";
    static final String SESSIONS = "/user/sessions";
    static final String SESSIONS_PREFIX = "/user/sessions/";
    static final String ME = "/user/me";
    static final String LOOKUP = "/common/lookup";
    static final String HEALTH = "/common/HealthCheck";

    private static final Logger LOG = LoggerFactory.getLogger(AuthHttpHandler.class);
    private static final int MAX_SESSION_ID_LENGTH = 128;

    private final AuthService service;
    private final ClientAddresses addresses;
    private final int maxBodyBytes;
    private final int maxHeaderBytes;
    private final Duration refreshMargin;

    private AuthHttpHandler(Builder b) {
        this.service = b.service;
        this.addresses = ClientAddresses.trusting(b.trustedProxies);
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.refreshMargin = b.refreshMargin;
    }

    /** A builder over the given service; see the setters for defaults. */
    public static Builder builder(AuthService service) {
        return new Builder(service);
    }

    /** Whether a raw path is one of the three anonymous endpoints. */
    public static boolean isAnonymous(String path) {
        return ANONYMOUS_PATHS.contains(path);
    }

    /** The service behind this handler. */
    public AuthService service() {
        return service;
    }

    /**
     * Answers one request. Never throws for anything the request contains: bad input becomes a
     * 4xx problem, an unreachable store a 503, and a bug of ours a 500 without details (logged).
     */
    public AuthHttpResponse handle(AuthHttpRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            Admission admission = admit(request);
            AuthPrincipal caller = admission instanceof Admission.Granted g ? g.principal() : null;
            AuthHttpResponse response = admission instanceof Admission.Refused refused
                    ? refused.response() : route(request, caller);
            // RFC 9110 §9.3.2: HEAD is GET without the content, refusals included.
            return "HEAD".equals(request.method())
                    ? new AuthHttpResponse(response.status(), response.headers(), new byte[0]) : response;
        } catch (AuthException e) {
            return authFailure(e);
        } catch (StoreUnavailableException e) {
            LOG.warn("store unavailable while serving {} {}: {}", request.method(), loggable(request.path()), e.getMessage());
            return Problems.of(ErrorCode.STORE_UNAVAILABLE);
        } catch (RuntimeException e) {
            LOG.error("failure while serving {} {}", request.method(), loggable(request.path()), e);
            return Problems.internalError();
        }
    }

    /**
     * Decides whether a request may reach what it asks for, without reading its body: the three
     * anonymous paths pass; {@code /user/refreshToken} passes with a well-formed bearer token
     * (its endpoint verifies it, allowing expiry); every other path needs a valid access token.
     * This is what the servlet filter calls for every request.
     *
     * @return {@link Admission.Open}, {@link Admission.Granted} with the caller, or
     *         {@link Admission.Refused} with the response to send (401, 431 or 503; 500 for a bug of ours)
     */
    public Admission admit(AuthHttpRequest request) {
        if (headerBytes(request) > maxHeaderBytes) {
            return new Admission.Refused(Problems.of(431, ErrorCode.MALFORMED_REQUEST,
                    "The request headers are larger than " + maxHeaderBytes + " bytes."));
        }
        String path = request.path();
        if (isAnonymous(path)) {
            return new Admission.Open();
        }
        BearerToken bearer = BearerToken.from(request.headers("Authorization"));
        if (bearer.refusal() != null) {
            return new Admission.Refused(bearer.refusal());
        }
        if (REFRESH.equals(path)) {
            return new Admission.Open();
        }
        try {
            return new Admission.Granted(service.validate(bearer.token()));
        } catch (AuthException e) {
            return new Admission.Refused(authFailure(e));
        } catch (StoreUnavailableException e) {
            LOG.warn("store unavailable while validating a token: {}", e.getMessage());
            return new Admission.Refused(Problems.of(ErrorCode.STORE_UNAVAILABLE));
        } catch (RuntimeException e) {
            // A bug, not an answer: refuse (fail closed) without telling the client why.
            LOG.error("failure while validating a token for {}", loggable(path), e);
            return new Admission.Refused(Problems.internalError());
        }
    }

    /** A path fit for a log line: bounded, and neutralised like every log line (OWASP ASVS V7.3.1). */
    private static String loggable(String path) {
        return LogText.neutralise(path, 200);
    }

    /** Where the request came from: the client address (see the class notes) and the user agent. */
    public ClientInfo clientInfo(AuthHttpRequest request) {
        String ip = addresses.resolve(request.remoteAddress(), request.headers("X-Forwarded-For"));
        return new ClientInfo(ip, request.header("User-Agent").orElse(""));
    }

    private AuthHttpResponse route(AuthHttpRequest request, AuthPrincipal caller) {
        String path = request.path();
        String method = "HEAD".equals(request.method()) ? "GET" : request.method();
        switch (path) {
            case LOGIN:
                return "POST".equals(method) ? login(request) : Problems.methodNotAllowed("POST");
            case LOOKUP:
                return "GET".equals(method) ? json(200, lookup()) : Problems.methodNotAllowed("GET, HEAD");
            case HEALTH:
                return "GET".equals(method) ? health() : Problems.methodNotAllowed("GET, HEAD");
            case REFRESH:
                return "POST".equals(method) ? refresh(request) : Problems.methodNotAllowed("POST");
            default:
                break;
        }
        // Past this point admit() has granted a principal.
        switch (path) {
            case LOGOUT:
                if (!"POST".equals(method)) {
                    return Problems.methodNotAllowed("POST");
                }
                service.logout(caller, clientInfo(request));
                return noContent();
            case LOGOUT_ALL:
                if (!"POST".equals(method)) {
                    return Problems.methodNotAllowed("POST");
                }
                service.logoutAll(caller, clientInfo(request));
                return noContent();
            case SESSIONS:
                return "GET".equals(method) ? json(200, sessions(caller)) : Problems.methodNotAllowed("GET, HEAD");
            case ME:
                return "GET".equals(method) ? json(200, me(caller)) : Problems.methodNotAllowed("GET, HEAD");
            default:
                break;
        }
        if (path.startsWith(SESSIONS_PREFIX)) {
            if (!"DELETE".equals(method)) {
                return Problems.methodNotAllowed("DELETE");
            }
            String id = path.substring(SESSIONS_PREFIX.length());
            if (!isSessionId(id)) {
                return Problems.of(ErrorCode.SESSION_NOT_FOUND);
            }
            service.revokeSession(caller, id, clientInfo(request));
            return noContent();
        }
        return Problems.of(404, ErrorCode.MALFORMED_REQUEST, "No endpoint has this path.");
    }

    private AuthHttpResponse login(AuthHttpRequest request) {
        Body body = readJson(request, Set.of("username", "userName", "password"));
        if (body.refusal != null) {
            return body.refusal;
        }
        Map<String, String> m = body.members;
        if (m.containsKey("username") && m.containsKey("userName")) {
            return malformed("Give either 'username' or 'userName', not both.");
        }
        String username = m.containsKey("username") ? m.get("username") : m.get("userName");
        String password = m.get("password");
        if (username == null || username.isEmpty()) {
            return malformed("The member 'username' is required.");
        }
        if (password == null || password.isEmpty()) {
            return malformed("The member 'password' is required.");
        }
        if (username.length() > PasswordCredential.MAX_USERNAME_LENGTH) {
            return malformed("The username is longer than " + PasswordCredential.MAX_USERNAME_LENGTH + " characters.");
        }
        if (password.length() > PasswordCredential.MAX_PASSWORD_LENGTH) {
            // NIST SP 800-63B §5.1.1.2 asks for at least 64; the cap keeps megabytes away from the hasher.
            return malformed("The password is longer than " + PasswordCredential.MAX_PASSWORD_LENGTH + " characters.");
        }
        TokenPair pair = service.login(new PasswordCredential(username, password), clientInfo(request));
        return json(200, tokenResponse(pair));
    }

    private AuthHttpResponse refresh(AuthHttpRequest request) {
        BearerToken bearer = BearerToken.from(request.headers("Authorization"));
        if (bearer.refusal() != null) {
            return bearer.refusal();
        }
        Body body = readJson(request, Set.of("refreshToken"));
        if (body.refusal != null) {
            return body.refusal;
        }
        String refreshToken = body.members.get("refreshToken");
        if (refreshToken == null || refreshToken.isEmpty()) {
            return malformed("The member 'refreshToken' is required.");
        }
        TokenPair pair = service.refresh(bearer.token(), refreshToken, clientInfo(request));
        return json(200, tokenResponse(pair));
    }

    private AuthHttpResponse health() {
        try {
            service.checkHealth();
            return json(200, Map.of("status", "Healthy"));
        } catch (RuntimeException e) {
            LOG.warn("health check failed: {}", e.toString());
            return json(503, Map.of("status", "Unhealthy"));
        }
    }

    private static Map<String, Object> tokenResponse(TokenPair pair) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessToken", pair.accessToken());
        m.put("refreshToken", pair.refreshToken());
        m.put("tokenType", pair.tokenType());
        m.put("expiresIn", pair.expiresIn().getSeconds());
        m.put("expiresAt", pair.expiresAt());
        m.put("refreshExpiresAt", pair.refreshExpiresAt());
        m.put("sessionId", pair.sessionId());
        return m;
    }

    private static Map<String, Object> me(AuthPrincipal caller) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", caller.userId());
        m.put("username", caller.username());
        m.put("roles", new TreeSet<>(caller.roles()));
        m.put("sessionId", caller.sessionId());
        return m;
    }

    private List<Map<String, Object>> sessions(AuthPrincipal caller) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Session s : service.sessions(caller.userId())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessionId", s.id());
            m.put("createdAt", s.createdAt());
            m.put("lastRefreshedAt", s.lastRefreshedAt());
            m.put("expiresAt", s.expiresAt());
            m.put("idleExpiresAt", s.idleExpiresAt());
            m.put("absoluteExpiresAt", s.absoluteExpiresAt());
            m.put("clientIp", s.client().ip());
            m.put("userAgent", s.client().userAgent());
            m.put("refreshCount", s.refreshCount());
            m.put("current", s.id().equals(caller.sessionId()));
            list.add(m);
        }
        return list;
    }

    private Map<String, Object> lookup() {
        List<Map<String, Object>> codes = new ArrayList<>();
        for (ErrorCode c : ErrorCode.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", c.name());
            m.put("status", Problems.status(c));
            m.put("description", c.description());
            m.put("retryable", c.retryable());
            codes.add(m);
        }
        Map<String, Object> internal = new LinkedHashMap<>();
        internal.put("code", Problems.INTERNAL_ERROR);
        internal.put("status", 500);
        internal.put("description", "The server failed to process the request.");
        internal.put("retryable", false);
        codes.add(internal);
        List<String> events = new ArrayList<>();
        for (AuditEventType t : AuditEventType.values()) {
            events.add(t.name());
        }
        AuthSettings s = service.settings();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("tokenType", "Bearer");
        settings.put("accessTokenLifetimeSeconds", s.accessTokenLifetime().getSeconds());
        settings.put("jwtExpireMinutes", s.accessTokenLifetime().toMinutes());
        settings.put("refreshMarginSeconds", refreshMargin.getSeconds());
        settings.put("refreshIdleTimeoutSeconds", s.refreshIdleTimeout().getSeconds());
        settings.put("absoluteSessionLifetimeSeconds", s.absoluteSessionLifetime().getSeconds());
        settings.put("clockSkewSeconds", s.clockSkew().getSeconds());
        settings.put("refreshGraceWindowSeconds", s.refreshGraceWindow().getSeconds());
        settings.put("issuer", s.issuer());
        settings.put("audience", s.audience());
        settings.put("maxUsernameLength", PasswordCredential.MAX_USERNAME_LENGTH);
        settings.put("maxPasswordLength", PasswordCredential.MAX_PASSWORD_LENGTH);
        settings.put("maxAccessTokenBytes", s.maxTokenBytes());
        settings.put("maxRequestBodyBytes", maxBodyBytes);
        settings.put("maxRequestHeaderBytes", maxHeaderBytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorCodes", codes);
        m.put("auditEventTypes", events);
        m.put("settings", settings);
        m.put("anonymousPaths", new TreeSet<>(ANONYMOUS_PATHS));
        return m;
    }

    private AuthHttpResponse authFailure(AuthException e) {
        if (e.code() == ErrorCode.THROTTLED) {
            return Problems.throttled(e.retryAfter().orElse(Duration.ofSeconds(1)));
        }
        return Problems.of(e.code());
    }

    /** A request body, read and parsed, or the problem response that refuses it. */
    private record Body(Map<String, String> members, AuthHttpResponse refusal) {
    }

    private Body readJson(AuthHttpRequest request, Set<String> wanted) {
        String encoding = request.header("Content-Encoding").orElse("identity").strip();
        if (!encoding.equalsIgnoreCase("identity")) {
            return refuse(415, "Compressed request bodies are not accepted.");
        }
        String contentType = request.header("Content-Type").orElse("");
        if (!isJsonUtf8(contentType)) {
            return refuse(415, "The request body must be application/json in UTF-8.");
        }
        List<String> lengths = request.headers("Content-Length");
        if (!lengths.isEmpty()) {
            long declared;
            try {
                declared = Long.parseLong(lengths.get(0).strip());
            } catch (NumberFormatException e) {
                return refuse(400, "The Content-Length header is not a number.");
            }
            if (declared > maxBodyBytes) {
                return tooLarge();
            }
        }
        byte[] bytes;
        try {
            bytes = request.body().readNBytes(maxBodyBytes + 1);
        } catch (IOException e) {
            return refuse(400, "The request body could not be read.");
        }
        if (bytes.length > maxBodyBytes) {
            return tooLarge();
        }
        if (bytes.length == 0) {
            return refuse(400, "A JSON request body is required.");
        }
        try {
            return new Body(Json.readStringMembers(bytes, wanted), null);
        } catch (Json.MalformedJsonException e) {
            return refuse(400, e.getMessage());
        }
    }

    private Body tooLarge() {
        return refuse(413, "The request body is larger than " + maxBodyBytes + " bytes.");
    }

    private static Body refuse(int status, String detail) {
        return new Body(Map.of(), Problems.of(status, ErrorCode.MALFORMED_REQUEST, detail));
    }

    // RFC 8259 §8.1: JSON exchanged between systems is UTF-8; a declared charset must say so.
    private static boolean isJsonUtf8(String contentType) {
        String[] parts = contentType.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=")) {
                String cs = p.substring("charset=".length()).replace("\"", "").strip();
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static AuthHttpResponse malformed(String detail) {
        return Problems.of(400, ErrorCode.MALFORMED_REQUEST, detail);
    }

    private static int headerBytes(AuthHttpRequest request) {
        long total = 0;
        for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
            for (String v : e.getValue()) {
                total += e.getKey().length() + (v == null ? 0 : v.length()) + 4;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    private static boolean isSessionId(String id) {
        if (id.isEmpty() || id.length() > MAX_SESSION_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static AuthHttpResponse json(int status, Object body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        return new AuthHttpResponse(status, headers, Json.write(body));
    }

    private static AuthHttpResponse noContent() {
        return new AuthHttpResponse(204, Map.of("Cache-Control", "no-store"), new byte[0]);
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

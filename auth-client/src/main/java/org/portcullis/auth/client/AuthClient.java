package org.portcullis.auth.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import org.portcullis.auth.api.ErrorCode;

/**
 * A client of the 7G User endpoints that keeps its access token fresh, so that a long-running
 * program never presents an expired one.
 *
 * <pre>{@code
 * AuthClient auth = AuthClient.builder(URI.create("https://api.example.com/")).build();
 * auth.login("alice", password);
 * HttpResponse<String> r = auth.send(HttpRequest.newBuilder(URI.create("https://api.example.com/orders")),
 *         HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <h2>Refreshing</h2>
 * {@link #ensureValidToken()} returns an access token that is valid for at least the refresh margin
 * (default 30 seconds; never more than half the token's lifetime), refreshing first if needed.
 * {@link #send} and every endpoint method call it before each request, and on a 401 that refuses
 * the bearer token refresh once and retry once.
 *
 * <p><b>Single flight.</b> However many threads find the token due at the same moment, exactly one
 * refresh request goes to the server; the others wait for its outcome. This matters because the
 * server rotates the refresh token on every refresh and treats a second use of the old one as
 * reuse (RFC 9700 §4.14.2).
 *
 * <p>When a refresh fails for a passing reason (server unreachable, 503, throttled, a refresh race)
 * while the current access token has not yet expired, {@link #ensureValidToken()} hands out the
 * current token and tries again on the next call; once it has expired, the failure is thrown.
 *
 * <h2>Where the token goes</h2>
 * Only to the origin (scheme, host, port) of the base URI: {@link #send} and {@link #sendAsync}
 * refuse a request for any other origin with {@link IllegalArgumentException} before anything is
 * sent, and the builder refuses an {@link HttpClient} that follows redirects.
 *
 * <h2>Errors</h2>
 * Every method throws the unchecked {@link AuthClientException} with the server's problem code;
 * {@link SessionGoneException} when the session is over (revoked, reused, expired, or never
 * logged in): the tokens have then been forgotten and {@link #login} works again;
 * {@link ServerUnavailableException} when the server cannot answer (tokens kept).
 *
 * <h2>Thread-safety</h2>
 * Thread-safe: one instance is meant to be shared by the whole program. Blocking methods block the
 * calling thread for at most about the request timeout (default 30 seconds) per request; the
 * {@code Async} method never blocks.
 *
 * <p>{@link #toString()} never prints a token.
 */
public final class AuthClient {

    /** The default refresh margin, as the platform's SDK does it. */
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(30);
    /** The default time allowed for one request. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final String JSON = "application/json";

    private final URI baseUri;
    private final HttpClient http;
    private final Clock clock;
    private final Duration refreshMargin;
    private final Duration requestTimeout;
    private final TokenHolder holder;

    /** Guards {@link #inFlight} and every write the client makes to {@link #holder}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The refresh under way, if any; all callers who need a refresh meanwhile share it. */
    private CompletableFuture<Tokens> inFlight;

    private AuthClient(Builder b) {
        this.baseUri = b.baseUri;
        this.http = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.clock = b.clock;
        this.refreshMargin = b.refreshMargin;
        this.requestTimeout = b.requestTimeout;
        this.holder = b.tokenHolder != null ? b.tokenHolder : TokenHolder.inMemory();
    }

    /**
     * A builder for a client of the server at {@code baseUri} (for example
     * {@code http://localhost:8080/}); the endpoint paths {@code user/login} and so on are resolved
     * against it.
     */
    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    // ---------------------------------------------------------------------------------------------
    // Login and tokens

    /**
     * Logs in with a username and password ({@code POST /user/login}) and holds the new tokens,
     * replacing any held before (the session they belonged to is left to expire on the server;
     * call {@link #logout()} first to end it).
     *
     * @return the new tokens
     * @throws AuthClientException {@code INVALID_CREDENTIALS}, {@code ACCOUNT_DISABLED},
     *         {@code THROTTLED} (see {@link AuthClientException#retryAfter()}), {@code SESSION_LIMIT_REACHED},
     *         {@code MALFORMED_REQUEST}
     * @throws ServerUnavailableException when the server cannot answer
     */
    public Tokens login(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        // A known device is never throttled by failures elsewhere on the account (docs/security.md).
        holder.deviceToken().ifPresent(d -> body.put("deviceToken", d));
        return login(body);
    }

    /**
     * Logs in with an ID token from an OpenID Connect provider the server trusts
     * ({@code POST /user/login} with {@code {"provider","idToken"}}) and holds the new tokens, as
     * {@link #login(String, String)} does. The ID token is sent once and not kept; the server
     * exchanges each ID token once only, so a retry needs a fresh one. A token that carries a
     * {@code nonce} claim is refused by this overload: use
     * {@link #loginWithProvider(String, String, Optional)} with the nonce.
     *
     * @param provider the provider's id as configured on the server, such as {@code google}
     * @param idToken  the ID token the provider issued to this application
     * @return the new tokens
     * @throws AuthClientException {@code INVALID_CREDENTIALS} (a token the server does not accept, or
     *         an identity linked to no account), {@code ACCOUNT_DISABLED}, {@code THROTTLED},
     *         {@code MALFORMED_REQUEST}, {@code STORE_UNAVAILABLE} (the provider's keys could not be fetched)
     * @throws ServerUnavailableException when the server cannot answer
     */
    public Tokens loginWithProvider(String provider, String idToken) {
        return loginWithProvider(provider, idToken, Optional.empty());
    }

    /**
     * Logs in with an ID token, sending the nonce this application put in its authentication
     * request: the server then refuses a token that does not carry exactly that nonce (OpenID
     * Connect Core §3.1.3.7 step 11). The server also refuses a token that carries a nonce when
     * none is sent, and, for a provider configured with {@code requireNonce}, any login without
     * one. The nonce binds the token to this application's sign-in, checked by this application
     * against the nonce it stored; it does not stop a replay by someone who holds a copy of the
     * token (the nonce can be read from the token): the server's single use of each ID token does.
     *
     * @param nonce the nonce sent to the provider, if one was
     * @see #loginWithProvider(String, String)
     */
    public Tokens loginWithProvider(String provider, String idToken, Optional<String> nonce) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(idToken, "idToken");
        Objects.requireNonNull(nonce, "nonce");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("provider", provider);
        body.put("idToken", idToken);
        nonce.ifPresent(n -> body.put("nonce", n));
        return login(body);
    }

    private Tokens login(Map<String, String> body) {
        Instant sentAt = clock.instant();
        HttpResponse<String> response = exchange(jsonPost("user/login", Json.write(body)).build(), "login");
        if (response.statusCode() != 200) {
            throw Problem.of(response, clock).toException("login", false);
        }
        Tokens tokens = Json.tokens(response.body(), sentAt);
        Optional<String> device = Json.optionalText(Json.object(response.body(), "token response"), "deviceToken");
        lock.lock();
        try {
            holder.set(tokens);
            device.ifPresent(holder::setDeviceToken);
        } finally {
            lock.unlock();
        }
        return tokens;
    }

    /**
     * An access token valid for at least the refresh margin, refreshing first when the held one is
     * due. Concurrent callers share one refresh. Blocks while a refresh is under way.
     *
     * @throws SessionGoneException when not logged in, or the session has ended (tokens forgotten)
     * @throws ServerUnavailableException when a refresh is needed, the server cannot answer, and the
     *         held token has already expired
     * @throws AuthClientException for any other failed refresh (for example {@code REFRESH_CONFLICT}
     *         once the held token has expired)
     */
    public String ensureValidToken() {
        return await(validTokensAsync()).accessToken();
    }

    /**
     * The non-blocking form of {@link #ensureValidToken()}: a future of the access token that fails
     * with the same exceptions (wrapped in a {@link CompletionException} where
     * {@code CompletableFuture} does so). Completing or cancelling the returned future does not
     * affect the shared refresh.
     */
    public CompletableFuture<String> ensureValidTokenAsync() {
        return validTokensAsync().thenApply(Tokens::accessToken);
    }

    /**
     * Refreshes now ({@code POST /user/refreshToken}), whether due or not, and holds the new tokens.
     * If a refresh is already under way, waits for it instead of starting another.
     *
     * @return the new tokens
     * @throws SessionGoneException when not logged in, or the session has ended (tokens forgotten)
     * @throws ServerUnavailableException when the server cannot answer
     * @throws AuthClientException {@code REFRESH_CONFLICT} (retryable) or {@code THROTTLED}
     */
    public Tokens refresh() {
        return await(sharedRefresh(null));
    }

    /** The tokens held, if any (also what an application would persist). */
    public Optional<Tokens> tokens() {
        return holder.get();
    }

    // ---------------------------------------------------------------------------------------------
    // Session endpoints

    /**
     * Ends the current session on the server ({@code POST /user/logout}) and forgets the tokens.
     * Does nothing when not logged in; a session that had already ended counts as logged out.
     *
     * @throws ServerUnavailableException when the server cannot answer; the tokens are then kept, so
     *         that the logout can be tried again
     */
    public void logout() {
        endSessions("user/logout", "logout");
    }

    /**
     * Ends every session of the user on the server, this one included ({@code POST /user/logoutAll}),
     * and forgets the tokens. Does nothing when not logged in.
     *
     * @throws ServerUnavailableException when the server cannot answer; the tokens are then kept
     */
    public void logoutAll() {
        endSessions("user/logoutAll", "logoutAll");
    }

    /**
     * The user's active sessions ({@code GET /user/sessions}), the caller's marked
     * {@link SessionInfo#current()}.
     *
     * @throws SessionGoneException when not logged in, or the session has ended
     * @throws ServerUnavailableException when the server cannot answer
     */
    public List<SessionInfo> sessions() {
        HttpResponse<String> response = authorized(HttpRequest.newBuilder(resolve("user/sessions")).GET(), "sessions");
        return Json.sessions(response.body());
    }

    /**
     * Ends one of the user's sessions ({@code DELETE /user/sessions/{id}}). Ending the client's own
     * session also forgets its tokens.
     *
     * @throws AuthClientException {@code SESSION_NOT_FOUND} when the user has no active session with this id
     * @throws SessionGoneException when not logged in, or the session has ended
     * @throws ServerUnavailableException when the server cannot answer
     */
    public void revokeSession(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        URI uri = resolve("user/sessions/" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8).replace("+", "%20"));
        authorized(HttpRequest.newBuilder(uri).DELETE(), "revokeSession");
        forgetSession(sessionId);
    }

    /**
     * Who the server says the caller is ({@code GET /user/me}).
     *
     * @throws SessionGoneException when not logged in, or the session has ended
     * @throws ServerUnavailableException when the server cannot answer
     */
    public UserInfo me() {
        HttpResponse<String> response = authorized(HttpRequest.newBuilder(resolve("user/me")).GET(), "me");
        return Json.user(response.body());
    }

    // ---------------------------------------------------------------------------------------------
    // Application requests

    /**
     * Sends an application request with the bearer token attached (RFC 6750 §2.1): calls
     * {@link #ensureValidToken()} first, sets {@code Authorization}, and, if the server answers a 401
     * that refuses the token (a {@code Bearer} challenge without an error or with
     * {@code error="invalid_token"}, RFC 6750 §3.1, or a 401 without any challenge), refreshes once
     * and sends the request once more with the new token. A 401 that challenges only for another
     * scheme, or names another bearer error, is returned as it is, without a refresh. The answer is returned
     * whatever its status; only the authentication part is handled here.
     *
     * <p>The builder is copied for each attempt and is not modified. A request is sent a second time
     * only after a 401, which the server gives before it acts on the request; but its body publisher
     * must then be able to publish twice: the JDK's {@code ofString}, {@code ofByteArray} and
     * {@code ofFile} can, a publisher over a one-shot {@code InputStream} cannot. Do not use this
     * method for such bodies; call {@link #ensureValidToken()} and send the request yourself.
     *
     * <p><b>Origin.</b> The token goes only to the origin of the base URI: the request's scheme,
     * host and port (RFC 6454 §4) must be the base URI's, or the request is refused before the
     * token is read or anything is sent (RFC 6750 §5.3: bearer tokens must not leak to unintended
     * parties). Send requests for other origins with a plain {@link HttpClient}.
     *
     * @throws IllegalArgumentException when the request's origin is not the client's
     * @throws SessionGoneException when not logged in, or the session has ended
     * @throws ServerUnavailableException when a needed refresh fails for lack of a server, or the
     *         request itself cannot reach its server
     */
    public <T> HttpResponse<T> send(HttpRequest.Builder request, BodyHandler<T> handler) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "handler");
        requireOwnOrigin(request);
        Tokens used = await(validTokensAsync());
        HttpResponse<T> response = exchange(withBearer(request, used), handler, "request");
        if (!tokenRefused(response)) {
            return response;
        }
        Tokens fresh = await(sharedRefresh(used));
        return exchange(withBearer(request, fresh), handler, "request");
    }

    /**
     * The non-blocking form of {@link #send}, with the same retry rule. The future fails with the
     * exceptions listed there (wrapped in a {@link CompletionException}), except that a request for
     * another origin is refused at once, by the call itself.
     *
     * @throws IllegalArgumentException when the request's origin is not the client's
     */
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest.Builder request, BodyHandler<T> handler) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "handler");
        requireOwnOrigin(request);
        return validTokensAsync().thenCompose(used -> exchangeAsync(withBearer(request, used), handler, "request")
                .thenCompose(response -> !tokenRefused(response)
                        ? CompletableFuture.completedFuture(response)
                        : sharedRefresh(used).thenCompose(fresh ->
                                exchangeAsync(withBearer(request, fresh), handler, "request"))));
    }

    /**
     * Whether an answer says the bearer token was refused, so that a refresh may help: a 401 whose
     * challenges include {@code Bearer} with no {@code error} or with {@code error="invalid_token"}
     * (RFC 6750 §3.1), or a 401 with no challenge at all (RFC 9110 §15.5.2 requires one; a proxy may
     * have dropped it). A 401 that challenges only for another scheme (an application's own Basic
     * login, say) or names another bearer error is the application's answer: refreshing would not
     * change it, and each needless refresh rotates the session's refresh token towards the engine's
     * rotation limit.
     */
    static boolean tokenRefused(HttpResponse<?> response) {
        if (response.statusCode() != 401) {
            return false;
        }
        List<String> challenges = response.headers().allValues("WWW-Authenticate");
        if (challenges.isEmpty()) {
            return true;
        }
        for (String value : challenges) {
            String scheme = null;
            String error = null;
            // RFC 9110 §11.6.1: a value is a comma-separated list of challenges, each a scheme followed
            // by auth-params (name=value, value possibly a quoted string holding commas).
            for (String item : splitOutsideQuotes(value)) {
                String it = item.strip();
                if (it.isEmpty()) {
                    continue;
                }
                int eq = it.indexOf('=');
                int sp = it.indexOf(' ');
                // "scheme" alone, or "scheme name=value"; not "name = value" (RFC 9110 §5.6.3 allows spaces around "=")
                boolean startsChallenge = eq < 0 || (sp >= 0 && sp < eq && !it.substring(sp).strip().startsWith("="));
                if (startsChallenge) {
                    if (bearerWantsRefresh(scheme, error)) {
                        return true;
                    }
                    scheme = sp < 0 ? it : it.substring(0, sp);
                    error = null;
                    it = sp < 0 ? "" : it.substring(sp + 1).strip();
                    eq = it.indexOf('=');
                }
                if (eq > 0 && it.substring(0, eq).strip().equalsIgnoreCase("error")) {
                    error = unquote(it.substring(eq + 1).strip());
                }
            }
            if (bearerWantsRefresh(scheme, error)) {
                return true;
            }
        }
        return false;
    }

    private static boolean bearerWantsRefresh(String scheme, String error) {
        return scheme != null && scheme.equalsIgnoreCase("Bearer") && (error == null || error.equals("invalid_token"));
    }

    private static List<String> splitOutsideQuotes(String value) {
        List<String> items = new java.util.ArrayList<>();
        StringBuilder item = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (quoted && ch == '\\' && i + 1 < value.length()) {
                item.append(ch).append(value.charAt(++i));
                continue;
            }
            if (ch == '"') {
                quoted = !quoted;
            }
            if (ch == ',' && !quoted) {
                items.add(item.toString());
                item.setLength(0);
            } else {
                item.append(ch);
            }
        }
        items.add(item.toString());
        return items;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** The client's settings and whether it holds tokens; never a token. */
    @Override
    public String toString() {
        return "AuthClient[baseUri=" + baseUri + ", refreshMargin=" + refreshMargin + ", "
                + holder.get().map(t -> "sessionId=" + t.sessionId() + ", expiresAt=" + t.expiresAt())
                        .orElse("not logged in") + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Single-flight refresh

    /** The held tokens if they are not due; otherwise the outcome of a (shared) refresh. */
    private CompletableFuture<Tokens> validTokensAsync() {
        Optional<Tokens> held;
        try {
            held = holder.get();
        } catch (RuntimeException holderFailed) {
            return CompletableFuture.failedFuture(holderFailed);
        }
        if (held.isEmpty()) {
            return CompletableFuture.failedFuture(SessionGoneException.notLoggedIn());
        }
        Tokens seen = held.get();
        if (!seen.refreshDue(refreshMargin, clock.instant())) {
            return CompletableFuture.completedFuture(seen);
        }
        return sharedRefresh(seen).handle((fresh, failure) -> {
            if (failure == null) {
                return fresh;
            }
            AuthClientException e = authFailure(failure);
            // A passing failure while the held token still works: use it and try again next call,
            // rather than fail a request that would have succeeded.
            if (e != null && e.isRetryable() && clock.instant().isBefore(seen.expiresAt())) {
                return seen;
            }
            throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
        });
    }

    /**
     * Joins the refresh under way, or starts one. With {@code seen == null} a refresh always starts
     * (unless one is under way). Otherwise {@code seen} are the tokens the caller found due or had
     * rejected with a 401: if the holder meanwhile holds other tokens that are not due (another
     * thread or process refreshed, or a login happened), those are the answer and no request is sent.
     */
    private CompletableFuture<Tokens> sharedRefresh(Tokens seen) {
        lock.lock();
        try {
            if (inFlight != null) {
                return inFlight.copy();
            }
            Tokens current = holder.get().orElse(null);
            if (current == null) {
                return CompletableFuture.failedFuture(SessionGoneException.notLoggedIn());
            }
            if (seen != null && !sameRefreshToken(current, seen) && !current.refreshDue(refreshMargin, clock.instant())) {
                return CompletableFuture.completedFuture(current);
            }
            CompletableFuture<Tokens> flight = new CompletableFuture<>();
            inFlight = flight;
            CompletableFuture<Rotation> rotation;
            try {
                rotation = rotate(current);
            } catch (RuntimeException couldNotStart) {
                // The flight must always land, or every later caller would wait on it forever.
                rotation = CompletableFuture.failedFuture(couldNotStart);
            }
            rotation.whenComplete((done, failure) -> land(flight, current, done, failure));
            return flight.copy();
        } catch (RuntimeException holderFailed) {
            return CompletableFuture.failedFuture(holderFailed);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends a refresh: stores its outcome, lets the next refresh start, then releases the waiters.
     * New tokens are stored only if the holder still holds the ones they were refreshed from, so a
     * login or logout that happened meanwhile is not undone. When the session is gone, the holder is
     * cleared if it still holds tokens of that session.
     */
    private void land(CompletableFuture<Tokens> flight, Tokens base, Rotation rotation, Throwable failure) {
        Throwable outcome = failure == null ? null : unwrap(failure);
        lock.lock();
        try {
            if (inFlight == flight) {
                inFlight = null;
            }
            Tokens current = holder.get().orElse(null);
            if (outcome == null) {
                if (current != null && sameRefreshToken(current, rotation.from())) {
                    holder.set(rotation.to());
                }
            } else if (outcome instanceof SessionGoneException && current != null
                    && current.sessionId().equals(base.sessionId())) {
                holder.clear();
            }
        } catch (RuntimeException holderFailed) {
            outcome = holderFailed;
        } finally {
            lock.unlock();
        }
        if (outcome == null) {
            flight.complete(rotation.to());
        } else {
            flight.completeExceptionally(outcome);
        }
    }

    /**
     * One refresh request; on {@code REFRESH_CONFLICT} (another client of this session, say a second
     * process sharing the holder, rotated first) the holder is read again, and if it now holds newer
     * tokens those are used (refreshed once more if they are due). The old refresh token is not sent
     * a second time: past the server's grace window that would count as reuse and end the session
     * (RFC 9700 §4.14.2); the conflict is reported instead, as retryable.
     */
    private CompletableFuture<Rotation> rotate(Tokens base) {
        return postRefresh(base).thenApply(fresh -> new Rotation(base, fresh)).exceptionallyCompose(failure -> {
            AuthClientException e = authFailure(failure);
            if (e == null || !e.errorCode().equals(Optional.of(ErrorCode.REFRESH_CONFLICT))) {
                return CompletableFuture.failedFuture(failure);
            }
            Tokens reread = holder.get().orElse(null);
            if (reread == null || sameRefreshToken(reread, base)) {
                return CompletableFuture.failedFuture(failure);
            }
            if (!reread.refreshDue(refreshMargin, clock.instant())) {
                return CompletableFuture.completedFuture(new Rotation(reread, reread));
            }
            return postRefresh(reread).thenApply(fresh -> new Rotation(reread, fresh));
        });
    }

    private CompletableFuture<Tokens> postRefresh(Tokens from) {
        Instant sentAt = clock.instant();
        HttpRequest request = jsonPost("user/refreshToken", Json.write(Map.of("refreshToken", from.refreshToken())))
                // The access token may be expired; the server checks its signature and session (DESIGN).
                .setHeader("Authorization", "Bearer " + from.accessToken())
                .build();
        return exchangeAsync(request, HttpResponse.BodyHandlers.ofString(), "refresh").thenApply(response -> {
            if (response.statusCode() != 200) {
                throw Problem.of(response, clock).toException("refresh", true);
            }
            return Json.tokens(response.body(), sentAt);
        });
    }

    /** A refresh's outcome: the tokens it started from and the ones it produced. */
    private record Rotation(Tokens from, Tokens to) {
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing

    private void endSessions(String path, String operation) {
        Tokens held = holder.get().orElse(null);
        if (held == null) {
            return;
        }
        try {
            authorized(HttpRequest.newBuilder(resolve(path)).POST(HttpRequest.BodyPublishers.noBody()), operation);
        } catch (SessionGoneException alreadyOver) {
            // The goal was an ended session; it is.
        }
        forgetSession(held.sessionId());
    }

    /** Forgets the held tokens if they belong to {@code sessionId}. */
    private void forgetSession(String sessionId) {
        lock.lock();
        try {
            holder.get().filter(t -> t.sessionId().equals(sessionId)).ifPresent(t -> holder.clear());
        } finally {
            lock.unlock();
        }
    }

    /** Sends an endpoint request through {@link #send}, and turns any non-2xx answer into an exception. */
    private HttpResponse<String> authorized(HttpRequest.Builder request, String operation) {
        Tokens held = holder.get().orElse(null);
        HttpResponse<String> response = send(request.timeout(requestTimeout).header("Accept", JSON),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        AuthClientException e = Problem.of(response, clock).toException(operation, false);
        if (e instanceof SessionGoneException && held != null) {
            forgetSession(held.sessionId());
        }
        throw e;
    }

    private HttpRequest withBearer(HttpRequest.Builder request, Tokens tokens) {
        return request.copy().setHeader("Authorization", "Bearer " + tokens.accessToken()).build();
    }

    private HttpRequest.Builder jsonPost(String path, String json) {
        return HttpRequest.newBuilder(resolve(path))
                .timeout(requestTimeout)
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }

    private void requireOwnOrigin(HttpRequest.Builder request) {
        // build() on a copy: the only way to read a builder's URI; it also rejects a builder without one.
        URI uri = request.copy().build().uri();
        if (!sameOrigin(baseUri, uri)) {
            throw new IllegalArgumentException("AuthClient attaches its token only to its own origin "
                    + origin(baseUri) + "; this request is for " + origin(uri) + ". Send it with a plain HttpClient.");
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + effectivePort(uri);
    }

    /**
     * Whether {@code uri} has the origin of {@code base} (RFC 6454 §4: scheme, host, port; the
     * scheme and host compared without case, a missing port read as the scheme's default). User
     * info, path, query and fragment play no part.
     */
    static boolean sameOrigin(URI base, URI uri) {
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null || !scheme.equalsIgnoreCase(base.getScheme())) {
            return false;
        }
        return host.equalsIgnoreCase(base.getHost()) && effectivePort(uri) == effectivePort(base);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private URI resolve(String path) {
        return baseUri.resolve(path);
    }

    private HttpResponse<String> exchange(HttpRequest request, String operation) {
        return exchange(request, HttpResponse.BodyHandlers.ofString(), operation);
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, BodyHandler<T> handler, String operation) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw unreachable(request, operation, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(operation);
        }
    }

    private <T> CompletableFuture<HttpResponse<T>> exchangeAsync(HttpRequest request, BodyHandler<T> handler,
                                                                 String operation) {
        return http.sendAsync(request, handler).exceptionallyCompose(failure -> {
            Throwable cause = unwrap(failure);
            return CompletableFuture.failedFuture(cause instanceof IOException io
                    ? unreachable(request, operation, io) : cause);
        });
    }

    private static ServerUnavailableException unreachable(HttpRequest request, String operation, IOException cause) {
        // The cause's message names only the host and the kind of failure, never a header.
        return new ServerUnavailableException(AuthClientException.SERVER_UNREACHABLE, 0, null,
                "Could not reach " + request.uri().getScheme() + "://" + request.uri().getAuthority()
                        + " (" + operation + "): " + cause.getClass().getSimpleName(), cause);
    }

    private static AuthClientException interrupted(String operation) {
        return new AuthClientException(AuthClientException.INTERRUPTED, 0, null,
                "Interrupted while waiting (" + operation + ")", null);
    }

    /** Waits for a future, rethrowing its failure as the unchecked exception it is. */
    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted("waiting for a refresh");
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof AuthClientException ace) {
                throw ace.onCallerThread();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new AuthClientException(AuthClientException.UNEXPECTED_RESPONSE, 0, null,
                    "Unexpected failure: " + cause.getClass().getSimpleName(), cause);
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static AuthClientException authFailure(Throwable t) {
        return unwrap(t) instanceof AuthClientException e ? e : null;
    }

    /** Compares refresh tokens in constant time, as secrets should be (OWASP ASVS V6.2). */
    static boolean sameRefreshToken(Tokens a, Tokens b) {
        return MessageDigest.isEqual(a.refreshToken().getBytes(StandardCharsets.UTF_8),
                b.refreshToken().getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Builds an {@link AuthClient}. Not thread-safe; {@link #build()} validates.
     */
    public static final class Builder {
        private final URI baseUri;
        private HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private Duration refreshMargin = DEFAULT_REFRESH_MARGIN;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private TokenHolder tokenHolder;

        private Builder(URI baseUri) {
            Objects.requireNonNull(baseUri, "baseUri");
            if (!baseUri.isAbsolute() || baseUri.getHost() == null
                    || !("http".equalsIgnoreCase(baseUri.getScheme()) || "https".equalsIgnoreCase(baseUri.getScheme()))) {
                throw new IllegalArgumentException("baseUri must be an absolute http or https URI: " + baseUri);
            }
            if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUri must have no query or fragment: " + baseUri);
            }
            String path = baseUri.getRawPath() == null ? "" : baseUri.getRawPath();
            // Endpoint paths are resolved relative to the base, which therefore must end with a slash.
            this.baseUri = path.endsWith("/") ? baseUri : URI.create(baseUri + "/");
        }

        /**
         * The HTTP client to use; default: a new one with a 10-second connect timeout that follows no
         * redirects. {@link #build()} refuses a client that follows redirects.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** The clock that decides when a token is due; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long before the access token expires it is refreshed; default 30 seconds, zero or more.
         * Capped at half the token's lifetime, so that a short-lived token is not refreshed on every call.
         */
        public Builder refreshMargin(Duration refreshMargin) {
            this.refreshMargin = Objects.requireNonNull(refreshMargin, "refreshMargin");
            return this;
        }

        /** Time allowed for each request to the authentication server; default 30 seconds, positive. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
            return this;
        }

        /** Where tokens are kept; default {@link TokenHolder#inMemory()}. */
        public Builder tokenHolder(TokenHolder tokenHolder) {
            this.tokenHolder = Objects.requireNonNull(tokenHolder, "tokenHolder");
            return this;
        }

        /**
         * Builds the client.
         *
         * @throws IllegalArgumentException if the refresh margin is negative, the request timeout not
         *         positive, or the HTTP client follows redirects
         */
        public AuthClient build() {
            if (refreshMargin.isNegative()) {
                throw new IllegalArgumentException("refreshMargin must not be negative: " + refreshMargin);
            }
            if (requestTimeout.isZero() || requestTimeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
            }
            if (httpClient != null && httpClient.followRedirects() != HttpClient.Redirect.NEVER) {
                // The JDK client re-sends a request's headers, Authorization included, to the origin a
                // 3xx names: the token would leave the origin (RFC 6750 §5.3).
                throw new IllegalArgumentException("httpClient must not follow redirects (Redirect.NEVER): a redirect "
                        + "would carry the bearer token to another origin; was " + httpClient.followRedirects());
            }
            return new AuthClient(this);
        }
    }
}

package org.portcullis.auth.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.portcullis.auth.core.OpenIdProvider;

/**
 * A fake OpenID Connect provider for tests: a real HTTP server on a loopback port that serves a
 * discovery document and a JWKS, mints RS256 ID tokens with the claims a test chooses, rotates
 * its keys, and misbehaves on request (down, slow, wrong {@code kid}, bad JSON, a huge JWKS).
 *
 * <pre>{@code
 * try (FakeOpenIdProvider idp = FakeOpenIdProvider.start(clock)) {
 *     AuthService auth = Portcullis.builder().stores(stores).clock(clock)
 *             .openIdProvider(idp.provider("corp", "my-app").justInTimeUsers(true).build())
 *             .externalIdentities(new InMemoryExternalIdentityStore())
 *             .build();
 *     String idToken = idp.idToken("alice").audience("my-app").sign();
 *     TokenPair pair = auth.login(new ExternalAssertion("corp", idToken), client);
 * }
 * }</pre>
 *
 * <p>Its issuer is {@code http://127.0.0.1:<port>} (Portcullis accepts plain HTTP only for a
 * loopback host). Tokens are stamped with the clock given to {@link #start(Clock)}, normally the
 * same movable clock the service under test reads. Thread-safe: the server answers on its own
 * threads, and every setting may be changed while it runs. Close it to stop the server.
 */
public final class FakeOpenIdProvider implements AutoCloseable {

    /** How the endpoints answer. */
    public enum Behaviour {
        /** As a provider should. */
        NORMAL,
        /** Discovery and JWKS answer 503. */
        DOWN,
        /** Discovery and JWKS answer 200 with a body that is not JSON. */
        BAD_JSON,
        /** The JWKS answers with about 10 MB: the real keys, padded. */
        HUGE_JWKS,
        /** Discovery and JWKS answer only after {@link #slowBy(Duration)} (or when released). */
        SLOW
    }

    private static final int HUGE_BYTES = 10 * 1024 * 1024;

    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService threads;
    private final String issuer;
    private final AtomicInteger discoveryRequests = new AtomicInteger();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final List<RSAKey> published = new ArrayList<>();
    private volatile RSAKey current;
    private volatile Behaviour behaviour = Behaviour.NORMAL;
    private volatile Duration slowBy = Duration.ofSeconds(30);
    private final CountDownLatch released = new CountDownLatch(1);

    private FakeOpenIdProvider(Clock clock) throws IOException {
        this.clock = clock;
        this.current = newKey();
        this.published.add(current);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-openid-provider");
            t.setDaemon(true);
            return t;
        });
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/jwks", this::jwks);
        server.setExecutor(threads);
        server.start();
    }

    /**
     * Starts a provider on a free loopback port.
     *
     * @param clock stamps {@code iat} and {@code exp} of minted tokens
     * @throws IllegalStateException if no port can be bound
     */
    public static FakeOpenIdProvider start(Clock clock) {
        try {
            return new FakeOpenIdProvider(Objects.requireNonNull(clock, "clock"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake OpenID provider", e);
        }
    }

    /** The issuer identifier, {@code http://127.0.0.1:<port>}. */
    public String issuer() {
        return issuer;
    }

    /** The discovery document's address. */
    public URI discoveryUrl() {
        return URI.create(issuer + "/.well-known/openid-configuration");
    }

    /** The JWKS address. */
    public URI jwksUrl() {
        return URI.create(issuer + "/jwks");
    }

    /**
     * A provider configuration for Portcullis pointing at this fake, for the given client ids;
     * add settings and {@code build()} it.
     */
    public OpenIdProvider.Builder provider(String id, String... clientIds) {
        return OpenIdProvider.builder(id).issuer(issuer).discoveryUrl(discoveryUrl()).clientIds(clientIds);
    }

    /**
     * Starts an ID token for {@code subject}: issued by this provider now, expiring in 5 minutes,
     * signed with the current key; the audience must be set.
     */
    public IdToken idToken(String subject) {
        return new IdToken(subject);
    }

    /**
     * Publishes a new key and signs with it from now on; the previous keys stay published until
     * {@link #retireOldKeys()}.
     *
     * @return the new key's {@code kid}
     */
    public synchronized String rotateKeys() {
        current = newKey();
        published.add(current);
        return current.getKeyID();
    }

    /** Stops publishing every key but the current one. */
    public synchronized void retireOldKeys() {
        published.removeIf(k -> !k.getKeyID().equals(current.getKeyID()));
    }

    /** The {@code kid} tokens are signed with now. */
    public String currentKid() {
        return current.getKeyID();
    }

    /** Changes how the endpoints answer from the next request on. */
    public void behave(Behaviour behaviour) {
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
    }

    /** How long a {@link Behaviour#SLOW} answer is held back; default 30 seconds. */
    public void slowBy(Duration delay) {
        this.slowBy = Objects.requireNonNull(delay, "delay");
    }

    /** Lets every held-back {@link Behaviour#SLOW} answer go at once (also done by {@link #close()}). */
    public void releaseSlowAnswers() {
        released.countDown();
    }

    /** How many times the discovery document was asked for. */
    public int discoveryRequests() {
        return discoveryRequests.get();
    }

    /** How many times the JWKS was asked for. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "FakeOpenIdProvider[" + issuer + ", " + behaviour + "]";
    }

    private void discovery(HttpExchange exchange) throws IOException {
        discoveryRequests.incrementAndGet();
        String body = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUrl() + "\","
                + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"response_types_supported\":[\"code\"],"
                + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
        answer(exchange, body, false);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksRequests.incrementAndGet();
        String keys;
        synchronized (this) {
            keys = new JWKSet(List.copyOf(published)).toPublicJWKSet().toString();
        }
        answer(exchange, keys, true);
    }

    private void answer(HttpExchange exchange, String json, boolean isJwks) throws IOException {
        try (exchange) {
            Behaviour now = behaviour;
            if (now == Behaviour.SLOW) {
                try {
                    released.await(slowBy.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            switch (now) {
                case DOWN -> exchange.sendResponseHeaders(503, -1);
                case BAD_JSON -> send(exchange, "{\"keys\": [ this is not json".getBytes(StandardCharsets.UTF_8));
                case HUGE_JWKS -> {
                    if (isJwks) {
                        sendHuge(exchange, json);
                    } else {
                        send(exchange, json.getBytes(StandardCharsets.UTF_8));
                    }
                }
                default -> send(exchange, json.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException clientWentAway) {
            // A client that stops reading (a size limit, a timeout) is what some tests want.
        }
    }

    private static void send(HttpExchange exchange, byte[] body) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The real keys with a 10 MB padding member, streamed: valid JSON, far too large. */
    private static void sendHuge(HttpExchange exchange, String keys) throws IOException {
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write((keys.substring(0, keys.length() - 1) + ",\"padding\":\"").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            for (int sent = 0; sent < HUGE_BYTES; sent += chunk.length) {
                out.write(chunk);
            }
            out.write("\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    /**
     * An ID token being minted: every claim and the header can be chosen, including wrong ones.
     * Not thread-safe; mint one per thread.
     */
    public final class IdToken {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String kid;

        private IdToken(String subject) {
            Instant now = clock.instant();
            claims.put("iss", issuer);
            claims.put("sub", subject);
            claims.put("iat", now);
            claims.put("exp", now.plus(Duration.ofMinutes(5)));
            // A fresh jti per token, as real providers mint (RFC 7519 §4.1.7); claim("jti", null) removes it.
            claims.put("jti", java.util.UUID.randomUUID().toString());
        }

        /** The audience: one client id, or several (then set {@link #authorizedParty} too). */
        public IdToken audience(String... clientIds) {
            claims.put("aud", clientIds.length == 1 ? clientIds[0] : List.of(clientIds));
            return this;
        }

        /** The {@code azp} claim. */
        public IdToken authorizedParty(String clientId) {
            return claim("azp", clientId);
        }

        /** Another {@code iss} than this provider's. */
        public IdToken issuer(String iss) {
            return claim("iss", iss);
        }

        /** The {@code iat} claim. */
        public IdToken issuedAt(Instant at) {
            return claim("iat", at);
        }

        /** The {@code exp} claim. */
        public IdToken expiresAt(Instant at) {
            return claim("exp", at);
        }

        /** The {@code nonce} claim. */
        public IdToken nonce(String nonce) {
            return claim("nonce", nonce);
        }

        /** The {@code email} and {@code email_verified} claims. */
        public IdToken email(String email, boolean verified) {
            claim("email", email);
            return claim("email_verified", verified);
        }

        /** Any claim; an {@link Instant} is written as seconds since the epoch; {@code null} removes it. */
        public IdToken claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        /** A {@code kid} in the header other than the signing key's, such as one never published. */
        public IdToken kid(String kid) {
            this.kid = kid;
            return this;
        }

        /** Signed RS256 with the provider's current key. */
        public String sign() {
            return signWith(current, kid != null ? kid : current.getKeyID());
        }

        /** Signed with a fresh key this provider never published, under that key's own {@code kid}. */
        public String signWithUnpublishedKey() {
            RSAKey stranger = newKey();
            return signWith(stranger, kid != null ? kid : stranger.getKeyID());
        }

        /** Unsigned: {@code alg: none} (RFC 7519 §6). */
        public String unsigned() {
            return new PlainJWT(claimsSet()).serialize();
        }

        /**
         * HS256 with the provider's public key as the HMAC secret: the algorithm-confusion attack
         * on verifiers that let the token pick the algorithm (RFC 8725 §2.1).
         */
        public String signHs256WithPublicKey() {
            try {
                byte[] secret = current.toRSAPublicKey().getEncoded();
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(current.getKeyID()).build(),
                        claimsSet());
                jwt.sign(new MACSigner(secret));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        private String signWith(RSAKey key, String headerKid) {
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(headerKid)
                        .type(JOSEObjectType.JWT).build(), claimsSet());
                jwt.sign(new RSASSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        private JWTClaimsSet claimsSet() {
            JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
            claims.forEach((name, value) -> b.claim(name, value instanceof Instant i ? Date.from(i) : value));
            return b.build();
        }
    }
}

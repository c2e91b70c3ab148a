package org.portcullis.auth.http.servlet;

import com.fasterxml.jackson.jr.ob.JSON;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.core.internal.token.KeyMaterial;
import org.portcullis.auth.core.internal.token.KeyRing;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.TestUsers;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.CountingSigningKeyStore;
import org.portcullis.auth.store.tck.MutableClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token rules of issue 10 seen from a client on a real loopback socket, through the servlet
 * endpoint in embedded Jetty 12: every respelling of a valid token, every token that breaks a
 * parsing rule behind a valid signature, and a flood of unknown key ids, are each a 401
 * {@code TOKEN_INVALID} problem, never a 5xx, and the genuine token keeps working.
 */
@DisplayName("Hostile tokens over HTTP")
class HostileTokensOverHttpTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private final Stores memory = InMemoryStores.create(clock);
    private final CountingSigningKeyStore keys = new CountingSigningKeyStore(memory.signingKeys());
    private final HttpClient http = HttpClient.newHttpClient();
    private AuthService service;
    private LoopbackJetty jetty;
    private String base;
    private String accessToken;
    private String refreshToken;

    @BeforeEach
    void start() throws Exception {
        TestUsers.seed(memory.users());
        Stores stores = new Stores(memory.users(), memory.sessions(), memory.attempts(), keys, memory.audit(),
                memory.transactions());
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
                .startCleanupJob(false).build();
        jetty = LoopbackJetty.start(AuthHttpHandler.builder(service).build());
        base = jetty.base();
        HttpResponse<String> login = send("POST", "/user/login", null,
                "{\"username\":\"alice\",\"password\":\"" + TestUsers.ALICE_PASSWORD + "\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        Map<String, Object> body = JSON.std.mapFrom(login.body());
        accessToken = (String) body.get("accessToken");
        refreshToken = (String) body.get("refreshToken");
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertTokenInvalid(String token) throws Exception {
        for (HttpResponse<String> r : List.of(send("GET", "/user/me", token, null),
                send("POST", "/user/refreshToken", token, "{\"refreshToken\":\"" + refreshToken + "\"}"))) {
            assertThat(r.statusCode()).as(r.request().uri().getPath()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(JSON.std.mapFrom(r.body())).containsEntry("code", "TOKEN_INVALID");
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).contains("error=\""));
        }
    }

    private SigningKey ourKey() {
        return memory.signingKeys().findAll().get(0);
    }

    /** A compact JWS over exactly these header and payload bytes, signed with the deployment's key. */
    private String signRaw(byte[] header, byte[] payload) throws Exception {
        String input = B64.encodeToString(header) + "." + B64.encodeToString(payload);
        JWSHeader any = new JWSHeader.Builder(JWSAlgorithm.EdDSA).build();
        Base64URL sig = KeyMaterial.prepare(ourKey()).signer().orElseThrow()
                .sign(any, input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + sig;
    }

    private byte[] ourHeader(String extra) {
        return ("{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" + ourKey().kid() + "\"" + extra + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private JWTClaimsSet claims() throws Exception {
        return SignedJWT.parse(accessToken).getJWTClaimsSet();
    }

    @Test
    @DisplayName("respellings of a valid token (padding, + and /, set trailing bits) are each a 401 TOKEN_INVALID")
    void respellings() throws Exception {
        assertThat(send("GET", "/user/me", accessToken, null).statusCode()).isEqualTo(200);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(accessToken.charAt(accessToken.length() - 1));
        String trailingBits = accessToken.substring(0, accessToken.length() - 1) + alphabet.charAt((last & 0x30) | 0x05);
        List<String> respelt = new ArrayList<>(List.of(accessToken + "==", trailingBits));
        String standard = accessToken.replace('-', '+').replace('_', '/');
        if (!standard.equals(accessToken)) {
            respelt.add(standard);
        }
        for (String t : respelt) {
            assertTokenInvalid(t);
        }
        assertThat(send("GET", "/user/me", accessToken, null).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("behind a valid signature: invalid UTF-8, crit [], a nested duplicate, an over-long exp are each a 401 TOKEN_INVALID")
    void brokenRulesBehindValidSignature() throws Exception {
        String payload = claims().toString();
        byte[] badUtf8 = ourHeader(",\"x\":\"?\"");
        badUtf8[badUtf8.length - 3] = (byte) 0xFF;
        long iat = claims().getIssueTime().toInstant().getEpochSecond();
        String longLived = new JWTClaimsSet.Builder(claims())
                .expirationTime(Date.from(Instant.ofEpochSecond(iat).plus(Duration.ofDays(30)))).build().toString();
        String nested = payload.substring(0, payload.length() - 1) + ",\"x\":{\"a\":1,\"a\":2}}";
        // The control: the same construction with nothing wrong is accepted.
        assertThat(send("GET", "/user/me", signRaw(ourHeader(""), payload.getBytes(StandardCharsets.UTF_8)), null)
                .statusCode()).isEqualTo(200);
        assertTokenInvalid(signRaw(badUtf8, payload.getBytes(StandardCharsets.UTF_8)));
        assertTokenInvalid(signRaw(ourHeader(",\"crit\":[]"), payload.getBytes(StandardCharsets.UTF_8)));
        assertTokenInvalid(signRaw(ourHeader(""), nested.getBytes(StandardCharsets.UTF_8)));
        assertTokenInvalid(signRaw(ourHeader(""), longLived.getBytes(StandardCharsets.UTF_8)));
        assertThat(send("GET", "/user/me", accessToken, null).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a flood of unknown kids from many clients costs one key-store read per interval, and every answer is a 401")
    void unknownKidFlood() throws Exception {
        // Past the scheduled reload: that read serves the flood too, no second one.
        clock.advance(Duration.ofMinutes(1));
        int before = keys.reads();
        flood("a");
        assertThat(keys.reads()).isEqualTo(before + 1);
        // Past the unknown-kid gap only: one read for the whole flood.
        clock.advance(KeyRing.UNKNOWN_KID_RELOAD_GAP);
        flood("b");
        assertThat(keys.reads()).isEqualTo(before + 2);
        assertThat(send("GET", "/user/me", accessToken, null).statusCode()).isEqualTo(200);
    }

    /** 8 clients released together, 25 requests each, every one naming a kid never seen. */
    private void flood(String prefix) throws Exception {
        int threads = 8;
        int perThread = 25;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt"))
                    .keyID(prefix + "-unknown-" + i).build();
            SignedJWT jwt = new SignedJWT(h, claims());
            jwt.sign(KeyMaterial.prepare(ourKey()).signer().orElseThrow());
            tokens.add(jwt.serialize());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<String> mine = tokens.subList(t * perThread, (t + 1) * perThread);
                results.add(pool.submit(() -> {
                    go.await();
                    List<Integer> statuses = new ArrayList<>();
                    for (String token : mine) {
                        statuses.add(send("GET", "/user/me", token, null).statusCode());
                    }
                    return statuses;
                }));
            }
            go.countDown();
            for (Future<List<Integer>> f : results) {
                assertThat(f.get(120, TimeUnit.SECONDS)).hasSize(perThread).containsOnly(401);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

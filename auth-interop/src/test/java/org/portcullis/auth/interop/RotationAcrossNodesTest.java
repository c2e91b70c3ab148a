package org.portcullis.auth.interop;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.AuthHttpRequest;
import org.portcullis.auth.http.AuthHttpResponse;
import org.portcullis.auth.store.jdbc.JdbcStores;
import org.portcullis.auth.store.tck.MutableClock;

import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("scheduled key rotation: two engine nodes on one PostgreSQL, and a verifier that reads only the JWK Set")
class RotationAcrossNodesTest {

    private static final Duration ROTATION = Duration.ofHours(3);
    private static final Duration STEP = Duration.ofMinutes(2);
    private static final PasswordHasher HASHER = PasswordHasher.withParameters(64, 1, 1);
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off").start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    /** A token a node issued, and what the test must know about it. */
    private record Issued(String token, String kid, Instant issuedAt, Instant expiresAt) {
    }

    @Test
    @DisplayName("through two full rotations no valid token is refused by either node or by the verifier, and no retired key signs")
    void twoFullRotations() throws Exception {
        MutableClock clock = MutableClock.startingAt(Instant.parse("2026-06-01T00:00:00Z"));
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        JdbcStores storesA = JdbcStores.create(postgres.getPostgresDatabase(), new SecretKeySpec(kek, "AES"));
        storesA.migrate();
        JdbcStores storesB = JdbcStores.create(postgres.getPostgresDatabase(), new SecretKeySpec(kek, "AES"));
        storesA.stores().users().create(new UserRecord("u-alice", "alice", HASHER.hash("pw"), Set.of("user"), true));
        AuthSettings settings = AuthSettings.builder().issuer("https://issuer.portcullis.test").audience("orders-api")
                .signingAlgorithm(SigningAlgorithm.ES256).accessTokenLifetime(Duration.ofMinutes(20))
                .refreshIdleTimeout(Duration.ofHours(1)).absoluteSessionLifetime(Duration.ofDays(2))
                .keyReloadInterval(Duration.ofMinutes(1))
                .keys(AuthSettings.Keys.builder().publishJwks(true).jwksMaxAge(Duration.ofMinutes(5))
                        .rotationInterval(ROTATION).build())
                .build();
        List<AuthService> nodes = List.of(node(storesA, settings, clock), node(storesB, settings, clock));
        // The verifier knows only node B's JWK Set, cached for its max-age and never refetched early.
        JwksOnlyVerifier verifier = new JwksOnlyVerifier(AuthHttpHandler.builder(nodes.get(1)).build(), clock);
        SigningKeyStore keys = storesA.stores().signingKeys();

        List<Issued> live = new ArrayList<>();
        Set<String> signingKids = new LinkedHashSet<>();
        String firstKid = null;
        Instant end = clock.instant().plus(ROTATION.multipliedBy(2)).plus(Duration.ofHours(1));
        while (clock.instant().isBefore(end)) {
            Instant now = clock.instant();
            for (AuthService node : nodes) {
                String token = node.login(new PasswordCredential("alice", "pw"), ClientInfo.UNKNOWN).accessToken();
                SignedJWT jwt = SignedJWT.parse(token);
                String kid = jwt.getHeader().getKeyID();
                SigningKey key = keys.findAll().stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
                assertThat(key.canSignAt(now)).as("key %s may sign at %s: %s", kid, now, key).isTrue();
                if (firstKid != null && !kid.equals(firstKid)) {
                    // Publish before sign: one JWK Set cache lifetime plus one key reload interval ahead.
                    assertThat(Duration.between(key.createdAt(), key.activatesAt())).as("lead of %s", kid)
                            .isGreaterThanOrEqualTo(settings.keys().publishLead(settings.keyReloadInterval()));
                }
                live.add(new Issued(token, kid, now, jwt.getJWTClaimsSet().getExpirationTime().toInstant()));
                signingKids.add(kid);
                firstKid = firstKid == null ? kid : firstKid;
            }
            live.removeIf(i -> !now.isBefore(i.expiresAt()));
            for (Issued i : live) {
                assertThat(verifier.verifies(i.token())).as("the JWK Set verifier accepts a token of %s issued %s, at %s",
                        i.kid(), i.issuedAt(), now).isTrue();
            }
            // The nodes check the oldest live token (the one a rotation could strand) and the newest;
            // every live token would cost a PostgreSQL session read per node and step.
            for (Issued i : List.of(live.get(0), live.get(live.size() - 1))) {
                for (AuthService node : nodes) {
                    assertThat(node.validate(i.token()).userId()).as("a node accepts a token of %s at %s", i.kid(), now)
                            .isEqualTo("u-alice");
                }
            }
            clock.advance(STEP);
        }

        assertThat(signingKids).as("the first key and one per rotation").hasSizeGreaterThanOrEqualTo(3);
        assertThat(nodes.get(0).publishedKeys().keyIds()).as("the first key, long retired, is no longer published")
                .doesNotContain(firstKid);
        assertThat(keys.findAll()).as("expired keys are purged from the store").extracting(SigningKey::kid)
                .doesNotContain(firstKid);
        assertThat(verifier.fetches).as("the verifier refetched only on cache expiry").isGreaterThan(1);
        nodes.forEach(AuthService::close);
    }

    private static AuthService node(JdbcStores stores, AuthSettings settings, Clock clock) {
        return Portcullis.builder().stores(stores.stores()).clock(clock).settings(settings).passwordHasher(HASHER)
                .startCleanupJob(false).build();
    }

    /**
     * The strictest JWK Set client: it fetches the set, keeps it for the response's max-age by the
     * test clock, and refuses an unknown kid without refetching. If it never refuses a valid token,
     * keys are published early enough for any client that honours Cache-Control.
     */
    private static final class JwksOnlyVerifier {
        private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");
        private final AuthHttpHandler source;
        private final Clock clock;
        private JWKSet cached;
        private Instant freshUntil = Instant.MIN;
        int fetches;

        JwksOnlyVerifier(AuthHttpHandler source, Clock clock) {
            this.source = source;
            this.clock = clock;
        }

        boolean verifies(String token) throws Exception {
            Instant now = clock.instant();
            if (!now.isBefore(freshUntil)) {
                AuthHttpResponse r = source.handle(AuthHttpRequest.of("GET", "/.well-known/jwks.json", Map.of(),
                        new ByteArrayInputStream(new byte[0]), "127.0.0.1"));
                assertThat(r.status()).isEqualTo(200);
                Matcher m = MAX_AGE.matcher(r.header("Cache-Control").orElseThrow());
                assertThat(m.find()).isTrue();
                cached = JWKSet.parse(r.bodyText());
                freshUntil = now.plusSeconds(Long.parseLong(m.group(1)));
                fetches++;
            }
            SignedJWT jwt = SignedJWT.parse(token);
            JWK jwk = cached.getKeyByKeyId(jwt.getHeader().getKeyID());
            return jwk != null && jwt.verify(new ECDSAVerifier(jwk.toECKey()))
                    && now.isBefore(jwt.getJWTClaimsSet().getExpirationTime().toInstant());
        }
    }
}

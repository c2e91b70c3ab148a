package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.internal.token.KeyMaterial;
import org.portcullis.auth.core.internal.token.KeyRing;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.CountingSigningKeyStore;
import org.portcullis.auth.store.tck.MutableClock;

/**
 * A token naming a key id this node has not seen may make it re-read the key store (another node
 * may have just published that key), but an attacker who sends random key ids must not turn each
 * request into a store read: across all threads, at most one read per
 * {@link KeyRing#UNKNOWN_KID_RELOAD_GAP}, and none while a read of any kind happened within it.
 */
@DisplayName("unknown kid: at most one key-store read per interval, across all threads")
class UnknownKidTest {

    private static final int THREADS = 16;
    private static final int PER_THREAD = 200;

    private final MutableClock clock = MutableClock.startingAt(Fixture.START);
    private final Stores memory = InMemoryStores.create(clock);
    private final CountingSigningKeyStore keys = new CountingSigningKeyStore(memory.signingKeys());
    private AuthService auth;
    private TokenPair pair;
    private ExecutorService pool;

    @BeforeEach
    void start() {
        Stores stores = new Stores(memory.users(), memory.sessions(), memory.attempts(), keys, memory.audit(),
                memory.transactions());
        auth = Portcullis.builder().stores(stores).clock(clock).passwordHasher(Fixture.FAST)
                .startCleanupJob(false).build();
        memory.users().create(new UserRecord(UUID.randomUUID().toString(), "alice", Fixture.FAST.hash("pw"),
                Set.of(), true));
        pair = auth.login(new PasswordCredential("alice", "pw"), Fixture.CLIENT);
        auth.validate(pair.accessToken());
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        auth.close();
    }

    /** Our token's claims under a header naming {@code kid}, signed with our key. */
    private String withKid(String kid) throws Exception {
        SigningKey ours = memory.signingKeys().findAll().get(0);
        return signedBy(ours, kid);
    }

    private String signedBy(SigningKey key, String kid) throws Exception {
        JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt")).keyID(kid).build();
        SignedJWT jwt = new SignedJWT(h, SignedJWT.parse(pair.accessToken()).getJWTClaimsSet());
        jwt.sign(KeyMaterial.prepare(key).signer().orElseThrow());
        return jwt.serialize();
    }

    /** {@link #THREADS} threads released together, each validating {@link #PER_THREAD} tokens with fresh unknown kids. */
    private void hammer() throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            tokens.add(withKid("unknown-" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> refused = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String token = tokens.get(t);
            refused.add(pool.submit(() -> {
                go.await();
                int n = 0;
                for (int i = 0; i < PER_THREAD; i++) {
                    if (catchAuth(() -> auth.validate(token)).code() == ErrorCode.TOKEN_INVALID) {
                        n++;
                    }
                }
                return n;
            }));
        }
        go.countDown();
        for (Future<Integer> f : refused) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(PER_THREAD);
        }
    }

    @Test
    @DisplayName("many threads sending unknown kids cost exactly one read per interval")
    void hammered() throws Exception {
        clock.advance(KeyRing.UNKNOWN_KID_RELOAD_GAP);
        int before = keys.reads();
        hammer();
        assertThat(keys.reads()).isEqualTo(before + 1);
        hammer();
        assertThat(keys.reads()).isEqualTo(before + 1);
        clock.advance(KeyRing.UNKNOWN_KID_RELOAD_GAP.minusNanos(1));
        hammer();
        assertThat(keys.reads()).isEqualTo(before + 1);
        clock.advance(Duration.ofNanos(1));
        hammer();
        assertThat(keys.reads()).isEqualTo(before + 2);
    }

    @Test
    @DisplayName("an unknown kid right after a scheduled reload costs no second read")
    void afterScheduledReload() throws Exception {
        clock.advance(Duration.ofMinutes(1));
        int before = keys.reads();
        String token = withKid("unknown");
        assertThat(catchAuth(() -> auth.validate(token)).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        assertThat(keys.reads()).isEqualTo(before + 1);
    }

    @Test
    @DisplayName("a key another node published is still found by the unknown-kid read once the interval has passed")
    void publishedElsewhere() throws Exception {
        SigningKey other = KeyMaterial.generate(SigningAlgorithm.EdDSA, clock.instant());
        memory.signingKeys().create(other);
        String token = signedBy(other, other.kid());
        clock.advance(KeyRing.UNKNOWN_KID_RELOAD_GAP);
        int before = keys.reads();
        assertThat(auth.validate(token).username()).isEqualTo("alice");
        assertThat(keys.reads()).isEqualTo(before + 1);
        assertThat(auth.validate(token).username()).isEqualTo("alice");
        assertThat(keys.reads()).isEqualTo(before + 1);
    }

    /** A token under our own kid that this node has not validated (and cached) before. */
    private String uncachedKnownKid(int n) throws Exception {
        SigningKey ours = memory.signingKeys().findAll().get(0);
        JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt")).keyID(ours.kid()).build();
        SignedJWT jwt = new SignedJWT(h, new com.nimbusds.jwt.JWTClaimsSet.Builder(
                SignedJWT.parse(pair.accessToken()).getJWTClaimsSet()).claim("n", n).build());
        jwt.sign(KeyMaterial.prepare(ours).signer().orElseThrow());
        return jwt.serialize();
    }

    @Test
    @DisplayName("while the key store is down, known and unknown kids alike cost one read attempt per interval, and known keys keep working")
    void storeDown() throws Exception {
        String unknown = withKid("unknown");
        List<String> known = new ArrayList<>();
        for (int i = 0; i < 52; i++) {
            known.add(uncachedKnownKid(i));
        }
        keys.unavailable(true);
        clock.advance(Duration.ofMinutes(1));
        int before = keys.reads();
        for (int i = 0; i < 50; i++) {
            assertThat(auth.validate(known.get(i)).username()).isEqualTo("alice");
            assertThat(catchAuth(() -> auth.validate(unknown)).code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        }
        assertThat(keys.reads()).isEqualTo(before + 1);
        clock.advance(KeyRing.UNKNOWN_KID_RELOAD_GAP);
        hammer();
        assertThat(keys.reads()).isEqualTo(before + 2);
        keys.unavailable(false);
        clock.advance(KeyRing.UNKNOWN_KID_RELOAD_GAP);
        assertThat(auth.validate(known.get(50)).username()).isEqualTo("alice");
        assertThat(keys.reads()).isEqualTo(before + 3);
        // Back to the scheduled rhythm: the successful read is fresh for a whole reload interval.
        clock.advance(Duration.ofSeconds(30));
        assertThat(auth.validate(known.get(51)).username()).isEqualTo("alice");
        assertThat(keys.reads()).isEqualTo(before + 3);
    }
}

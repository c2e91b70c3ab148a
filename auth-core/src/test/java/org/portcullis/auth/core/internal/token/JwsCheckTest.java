package org.portcullis.auth.core.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portcullis.auth.api.SigningAlgorithm;

/**
 * The bare signature check of a prepared key, which keeps a JCA engine per thread and per key: it
 * accepts exactly that key's signatures, whatever other keys the same thread checked before.
 */
@DisplayName("per-key signature check")
class JwsCheckTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final byte[] INPUT = "eyJhbGciOiJIUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII);

    private static byte[] sign(KeyMaterial.Prepared key, byte[] input) throws Exception {
        JWSHeader header = new JWSHeader.Builder(key.jwsAlgorithm()).type(new JOSEObjectType("at+jwt"))
                .keyID(key.key().kid()).build();
        return key.signer().orElseThrow().sign(header, input).decode();
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "ES256", "EdDSA", "HS256"})
    @DisplayName("a thread that checked key A's tokens still refuses key B's signature under A, and the reverse")
    void engineNotSharedAcrossKeys(SigningAlgorithm alg) throws Exception {
        KeyMaterial.Prepared a = KeyMaterial.prepare(KeyMaterial.generate(alg, NOW));
        KeyMaterial.Prepared b = KeyMaterial.prepare(KeyMaterial.generate(alg, NOW));
        byte[] byA = sign(a, INPUT);
        byte[] byB = sign(b, INPUT);
        for (int round = 0; round < 3; round++) {
            assertThat(a.check().verify(INPUT, byA)).isTrue();
            assertThat(a.check().verify(INPUT, byB)).isFalse();
            assertThat(b.check().verify(INPUT, byB)).isTrue();
            assertThat(b.check().verify(INPUT, byA)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "ES256", "EdDSA", "HS256"})
    @DisplayName("a refused signature (altered, truncated, empty) leaves the thread's engine fit for the next good one")
    void refusalDoesNotPoisonTheEngine(SigningAlgorithm alg) throws Exception {
        KeyMaterial.Prepared a = KeyMaterial.prepare(KeyMaterial.generate(alg, NOW));
        byte[] good = sign(a, INPUT);
        byte[] altered = good.clone();
        altered[altered.length / 2] ^= 1;
        assertThat(a.check().verify(INPUT, altered)).isFalse();
        assertThat(a.check().verify(INPUT, Arrays.copyOf(good, good.length - 1))).isFalse();
        assertThat(a.check().verify(INPUT, new byte[0])).isFalse();
        assertThat(a.check().verify(INPUT, new byte[good.length])).isFalse();
        assertThat(a.check().verify(INPUT, good)).isTrue();
        byte[] otherInput = "eyJhbGciOiJIUzI1NiJ9.e31".getBytes(StandardCharsets.US_ASCII);
        assertThat(a.check().verify(otherInput, good)).isFalse();
        assertThat(a.check().verify(INPUT, good)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = SigningAlgorithm.class, names = {"RS256", "ES256", "HS256"})
    @DisplayName("two threads checking one key at once both get the right answers (one engine each)")
    void twoThreads(SigningAlgorithm alg) throws Exception {
        KeyMaterial.Prepared a = KeyMaterial.prepare(KeyMaterial.generate(alg, NOW));
        byte[] good = sign(a, INPUT);
        byte[] bad = good.clone();
        bad[0] ^= 1;
        AtomicBoolean wrong = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        Runnable work = () -> {
            try {
                start.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int k = 0; k < 200; k++) {
                if (!a.check().verify(INPUT, good) || a.check().verify(INPUT, bad)) {
                    wrong.set(true);
                }
            }
        };
        Thread t1 = new Thread(work);
        Thread t2 = new Thread(work);
        t1.start();
        t2.start();
        start.countDown();
        t1.join();
        t2.join();
        assertThat(wrong).isFalse();
    }
}

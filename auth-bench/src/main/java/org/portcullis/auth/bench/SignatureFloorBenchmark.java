package org.portcullis.auth.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The floor under a first-sight validation: one bare signature verification of a token-sized
 * message, with no JWT parsing at all. {@code ValidateBenchmark.validateFirstSight} minus this is
 * Portcullis's own overhead.
 */
@State(Scope.Benchmark)
public class SignatureFloorBenchmark extends MicrosecondBenchmark {

    private byte[] message;
    private AsymmetricCipherKeyPair ed;
    private byte[] edSignature;
    private KeyPair rsa;
    private byte[] rsaSignature;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        message = ("eyJraWQiOiJrIiwidHlwIjoiYXQrand0IiwiYWxnIjoiRWREU0EifQ." + "x".repeat(360))
                .getBytes(StandardCharsets.US_ASCII);
        Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
        g.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        ed = g.generateKeyPair();
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, ed.getPrivate());
        s.update(message, 0, message.length);
        edSignature = s.generateSignature();
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        rsa = r.generateKeyPair();
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initSign(rsa.getPrivate());
        sig.update(message);
        rsaSignature = sig.sign();
    }

    @Benchmark
    public boolean ed25519VerifyBouncyCastle() {
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, ed.getPublic());
        v.update(message, 0, message.length);
        return v.verifySignature(edSignature);
    }

    @Benchmark
    public boolean rs256VerifyJdk() throws Exception {
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initVerify(rsa.getPublic());
        sig.update(message);
        return sig.verify(rsaSignature);
    }
}

package org.portcullis.auth.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing with hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in unpadded base64).
 *
 * <p>The default parameters are OWASP's first recommended Argon2id configuration (Password
 * Storage Cheat Sheet: m=19456 KiB, t=2, p=1), which costs about 25 ms per hash on the machines
 * this project is measured on. {@link #needsRehash(String)} tells when a stored hash uses weaker
 * parameters than this hasher, so that the password can be rehashed at the next successful login.
 *
 * <p>Thread-safe and stateless apart from its parameters and a {@link SecureRandom}.
 */
public final class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();
    private final String dummyHash;

    private PasswordHasher(int memoryKiB, int iterations, int parallelism) {
        if (memoryKiB < 8 * parallelism) {
            throw new IllegalArgumentException("memoryKiB must be at least 8 x parallelism: " + memoryKiB);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1: " + iterations);
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be between 1 and 64: " + parallelism);
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        // A real hash of a random password: checking a password against it costs exactly what a
        // real check costs, which hides whether a username exists (OWASP ASVS V2.2, timing).
        byte[] junk = new byte[32];
        random.nextBytes(junk);
        this.dummyHash = hash(B64.encodeToString(junk));
    }

    /** OWASP's recommended Argon2id parameters: m=19456 KiB, t=2, p=1. */
    public static PasswordHasher owasp() {
        return new PasswordHasher(19_456, 2, 1);
    }

    /**
     * A hasher with explicit parameters. Parameters weaker than {@link #owasp()} are for tests only.
     *
     * @throws IllegalArgumentException for parameters Argon2 does not accept
     */
    public static PasswordHasher withParameters(int memoryKiB, int iterations, int parallelism) {
        return new PasswordHasher(memoryKiB, iterations, parallelism);
    }

    /** Hashes a password with a fresh random salt and returns the PHC string. */
    public String hash(CharSequence password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, memoryKiB, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Checks a password against a PHC string, comparing in constant time. A malformed or
     * unsupported hash never matches (but still costs a hash computation).
     */
    public boolean verify(CharSequence password, String phc) {
        Objects.requireNonNull(password, "password");
        Optional<Phc> parsed = Phc.parse(phc);
        if (parsed.isEmpty()) {
            verifyDummy(password);
            return false;
        }
        Phc p = parsed.get();
        byte[] actual = derive(password, p.salt, p.memoryKiB, p.iterations, p.parallelism, p.hash.length);
        return MessageDigest.isEqual(actual, p.hash);
    }

    /**
     * Spends the time of one real verification and returns nothing: used for unknown usernames,
     * so that they cost what a known username with a wrong password costs.
     */
    public void verifyDummy(CharSequence password) {
        Phc p = Phc.parse(dummyHash).orElseThrow();
        byte[] actual = derive(password, p.salt, p.memoryKiB, p.iterations, p.parallelism, p.hash.length);
        MessageDigest.isEqual(actual, p.hash);
    }

    /**
     * Whether a stored hash should be replaced by one made with this hasher's parameters: it is
     * not Argon2id, it is malformed, or any of its parameters is weaker.
     */
    public boolean needsRehash(String phc) {
        return Phc.parse(phc)
                .map(p -> p.memoryKiB < memoryKiB || p.iterations < iterations || p.parallelism < parallelism
                        || p.hash.length < HASH_BYTES)
                .orElse(true);
    }

    @Override
    public String toString() {
        return "PasswordHasher[argon2id m=" + memoryKiB + " KiB, t=" + iterations + ", p=" + parallelism + "]";
    }

    private static byte[] derive(CharSequence password, byte[] salt, int m, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] pw = utf8(password);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }

    private static byte[] utf8(CharSequence password) {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return bytes;
    }

    /** A parsed PHC string; only Argon2id version 19 is accepted. */
    private record Phc(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {

        // Upper bounds stop a hostile stored hash from asking for gigabytes or hours.
        private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
        private static final int MAX_ITERATIONS = 100;

        static Optional<Phc> parse(String phc) {
            if (phc == null) {
                return Optional.empty();
            }
            String[] parts = phc.split("\\$", -1);
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            if (parts.length != 6 || !parts[0].isEmpty() || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
                return Optional.empty();
            }
            try {
                int m = -1;
                int t = -1;
                int p = -1;
                for (String kv : parts[3].split(",", -1)) {
                    String[] pair = kv.split("=", 2);
                    if (pair.length != 2) {
                        return Optional.empty();
                    }
                    int v = Integer.parseInt(pair[1]);
                    switch (pair[0]) {
                        case "m" -> m = v;
                        case "t" -> t = v;
                        case "p" -> p = v;
                        default -> {
                            return Optional.empty();
                        }
                    }
                }
                if (m < 8 || t < 1 || p < 1 || p > 64 || m < 8 * p || m > MAX_MEMORY_KIB || t > MAX_ITERATIONS) {
                    return Optional.empty();
                }
                byte[] salt = B64D.decode(parts[4]);
                byte[] hash = B64D.decode(parts[5]);
                if (salt.length < 8 || hash.length < 16) {
                    return Optional.empty();
                }
                return Optional.of(new Phc(m, t, p, salt, hash));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}

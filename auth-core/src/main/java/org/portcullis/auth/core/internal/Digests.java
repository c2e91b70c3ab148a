package org.portcullis.auth.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** SHA-256 and random identifiers. Thread-safe (one digest per thread). */
public final class Digests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    private Digests() {
    }

    /** SHA-256 of the string's UTF-8 bytes. */
    public static byte[] sha256(String s) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(s.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(bytes);
    }

    /** base64url(SHA-256(s)), the form in which refresh tokens reach a store. */
    public static String sha256Base64Url(String s) {
        return B64URL.encodeToString(sha256(s));
    }

    /** {@code bytes} random bytes, base64url without padding. */
    public static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64URL.encodeToString(b);
    }
}

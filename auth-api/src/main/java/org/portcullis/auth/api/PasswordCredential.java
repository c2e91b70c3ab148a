package org.portcullis.auth.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A username and password, and the device token the client received at an earlier login, if
 * any. {@link #toString()} prints neither the password nor the device token.
 *
 * @param username    as typed; verifiers normalise it (see {@link UserStore#findByUsername})
 * @param password    the plaintext password; never logged, never stored
 * @param deviceToken the opaque token of {@link TokenPair#deviceToken()} from an earlier successful
 *                    login of this account on this device; it makes the device <em>known</em>, so
 *                    that failures elsewhere never throttle it (see {@code docs/security.md})
 */
public record PasswordCredential(String username, String password, Optional<String> deviceToken)
        implements Credential {

    /** Longest accepted username, in characters. */
    public static final int MAX_USERNAME_LENGTH = 256;
    /**
     * Longest accepted password, in characters. NIST SP 800-63B §5.1.1.2 asks verifiers to
     * accept at least 64 characters; a cap stops hashing of megabyte inputs.
     */
    public static final int MAX_PASSWORD_LENGTH = 1024;
    /**
     * Shortest password the engine sets ({@code AuthService.changePassword}, {@code setPassword}):
     * NIST SP 800-63B §5.1.1.2 asks for at least 8 characters of a memorized secret chosen by the user.
     */
    public static final int MIN_NEW_PASSWORD_LENGTH = 8;

    /** Longest device token looked at; ours are 43 characters, anything longer is ignored. */
    public static final int MAX_DEVICE_TOKEN_LENGTH = 128;

    public PasswordCredential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(deviceToken, "deviceToken");
    }

    /** A username and password from a device without a device token. */
    public PasswordCredential(String username, String password) {
        this(username, password, Optional.empty());
    }

    /** A copy that presents {@code deviceToken} ({@code null} or empty for none). */
    public PasswordCredential withDeviceToken(String deviceToken) {
        return new PasswordCredential(username, password,
                deviceToken == null || deviceToken.isEmpty() ? Optional.empty() : Optional.of(deviceToken));
    }

    /**
     * Whether a username can name an account at all: not blank, at most
     * {@link #MAX_USERNAME_LENGTH} characters, and free of U+0000. No store may hold a NUL in a
     * text value (PostgreSQL refuses it outright), so a username that carries one is refused
     * before any store is asked, the same way on every store, instead of surfacing as a store
     * failure. The engine answers such a login like any other wrong credential.
     */
    public static boolean isWellFormedUsername(String username) {
        if (username == null) {
            return false;
        }
        String u = username.strip();
        return !u.isEmpty() && username.length() <= MAX_USERNAME_LENGTH && username.indexOf('\0') < 0;
    }

    /** Whether both parts are within the accepted limits: a {@linkplain #isWellFormedUsername well-formed username} and a password of 1 to {@link #MAX_PASSWORD_LENGTH} characters. */
    public boolean withinLimits() {
        return isWellFormedUsername(username) && !password.isEmpty() && password.length() <= MAX_PASSWORD_LENGTH;
    }

    @Override
    public String subjectHint() {
        return username;
    }

    @Override
    public String toString() {
        return "PasswordCredential[username=" + username + ", password=***"
                + (deviceToken.isPresent() ? ", deviceToken=***" : "") + "]";
    }
}

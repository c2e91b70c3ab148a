package org.portcullis.auth.api;

import java.util.Objects;

/**
 * A username and password. {@link #toString()} never prints the password.
 *
 * @param username as typed; verifiers normalise it (see {@link UserStore#findByUsername})
 * @param password the plaintext password; never logged, never stored
 */
public record PasswordCredential(String username, String password) implements Credential {

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

    public PasswordCredential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String subjectHint() {
        return username;
    }

    @Override
    public String toString() {
        return "PasswordCredential[username=" + username + ", password=***]";
    }
}

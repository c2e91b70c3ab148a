package org.portcullis.auth.api;

import java.util.Objects;
import java.util.Set;

/**
 * A user as a {@link UserStore} keeps it. {@link #toString()} never prints the hash.
 *
 * @param id           stable identifier
 * @param username     login name, stored normalised (see {@link #normalize(String)})
 * @param passwordHash a PHC string such as {@code $argon2id$v=19$m=19456,t=2,p=1$...}
 * @param roles        role names
 * @param enabled      whether the user may log in at all
 */
public record UserRecord(String id, String username, String passwordHash, Set<String> roles, boolean enabled) {

    public UserRecord {
        Objects.requireNonNull(id, "id");
        username = normalize(Objects.requireNonNull(username, "username"));
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = Set.copyOf(roles);
    }

    /**
     * The canonical form of a username: trimmed and lower-cased with {@link java.util.Locale#ROOT},
     * so that {@code Alice} and {@code alice } name one account and one throttling counter.
     */
    public static String normalize(String username) {
        return username.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** A copy with another password hash. */
    public UserRecord withPasswordHash(String newHash) {
        return new UserRecord(id, username, newHash, roles, enabled);
    }

    /** A copy with another enabled flag. */
    public UserRecord withEnabled(boolean enabled) {
        return new UserRecord(id, username, passwordHash, roles, enabled);
    }

    /** A copy with other roles. */
    public UserRecord withRoles(Set<String> roles) {
        return new UserRecord(id, username, passwordHash, roles, enabled);
    }

    @Override
    public String toString() {
        return "UserRecord[id=" + id + ", username=" + username + ", roles=" + roles
                + ", enabled=" + enabled + ", passwordHash=***]";
    }
}

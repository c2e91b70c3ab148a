package org.portcullis.auth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;

/** {@link UserStore} over table {@code portcullis_users}. Thread-safe; every method is one statement. */
final class JdbcUserStore implements UserStore {

    /** Width of the username column; a longer name cannot exist, so a lookup of one finds nothing. */
    static final int MAX_USERNAME = 1024;

    private static final String COLUMNS = "id, username, password_hash, roles, enabled";

    private final Db db;

    JdbcUserStore(Db db) {
        this.db = db;
    }

    @Override
    public Optional<UserRecord> findByUsername(String username) {
        String normalized = UserRecord.normalize(Objects.requireNonNull(username, "username"));
        if (normalized.length() > MAX_USERNAME) {
            return Optional.empty();
        }
        return db.withHandle("users.findByUsername", h -> h
                .createQuery("SELECT " + COLUMNS + " FROM portcullis_users WHERE username = :u")
                .bind("u", normalized)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public Optional<UserRecord> findById(String userId) {
        Objects.requireNonNull(userId, "userId");
        return db.withHandle("users.findById", h -> h
                .createQuery("SELECT " + COLUMNS + " FROM portcullis_users WHERE id = :id")
                .bind("id", userId)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public boolean create(UserRecord user) {
        Objects.requireNonNull(user, "user");
        if (user.username().length() > MAX_USERNAME) {
            throw new IllegalArgumentException("username longer than " + MAX_USERNAME + " characters");
        }
        return db.inTransaction("users.create", h -> db.insertIfAbsent(h,
                "INSERT INTO portcullis_users (" + COLUMNS + ") VALUES (:id, :username, :hash, :roles, :enabled)",
                u -> u.bind("id", user.id())
                        .bind("username", user.username())
                        .bind("hash", user.passwordHash())
                        .bind("roles", Db.encodeRoles(user.roles()))
                        .bind("enabled", user.enabled())) == 1);
    }

    @Override
    public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(expectedHash, "expectedHash");
        Objects.requireNonNull(newHash, "newHash");
        // Compare-and-set in one statement: a rehash on login never overwrites a concurrent password change.
        return db.withHandle("users.updatePasswordHash", h -> h
                .createUpdate("UPDATE portcullis_users SET password_hash = :new WHERE id = :id AND password_hash = :expected")
                .bind("new", newHash)
                .bind("id", userId)
                .bind("expected", expectedHash)
                .execute()) == 1;
    }

    @Override
    public boolean setEnabled(String userId, boolean enabled) {
        Objects.requireNonNull(userId, "userId");
        return db.inTransaction("users.setEnabled", h -> {
            boolean found = h.createUpdate("UPDATE portcullis_users SET enabled = :enabled WHERE id = :id")
                    .bind("enabled", enabled)
                    .bind("id", userId)
                    .execute() == 1;
            if (found) {
                db.announce(h, InvalidationMessages.user(userId));
            }
            return found;
        });
    }

    @Override
    public boolean setRoles(String userId, Set<String> roles) {
        Objects.requireNonNull(userId, "userId");
        String encoded = Db.encodeRoles(Set.copyOf(roles));
        return db.withHandle("users.setRoles", h -> h
                .createUpdate("UPDATE portcullis_users SET roles = :roles WHERE id = :id")
                .bind("roles", encoded)
                .bind("id", userId)
                .execute()) == 1;
    }

    @Override
    public List<UserRecord> list(Optional<String> afterUsername, int limit) {
        UserStore.requireListArguments(afterUsername, limit);
        // Keyset paging over the unique username index: each page is one index range scan, and
        // its order is the database's own, which the next page's "username >" agrees with.
        String after = afterUsername.map(UserRecord::normalize).orElse(null);
        return db.withHandle("users.list", h -> {
            var query = h.createQuery("SELECT " + COLUMNS + " FROM portcullis_users"
                    + (after == null ? "" : " WHERE username > :after") + " ORDER BY username LIMIT :limit");
            if (after != null) {
                query.bind("after", after);
            }
            return query.bind("limit", limit).map((rs, ctx) -> map(rs)).list();
        });
    }

    @Override
    public boolean delete(String userId) {
        Objects.requireNonNull(userId, "userId");
        return db.withHandle("users.delete", h -> h
                .createUpdate("DELETE FROM portcullis_users WHERE id = :id")
                .bind("id", userId)
                .execute()) == 1;
    }

    private static UserRecord map(ResultSet rs) throws SQLException {
        return new UserRecord(rs.getString("id"), rs.getString("username"), rs.getString("password_hash"),
                Db.decodeRoles(rs.getString("roles")), rs.getBoolean("enabled"));
    }
}

package org.portcullis.auth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.ExternalIdentityStore;

/**
 * {@link ExternalIdentityStore} over table {@code portcullis_external_identities}. Thread-safe;
 * every method is one statement, and the table's primary key (provider, subject) makes
 * {@link #link} atomic across nodes.
 */
final class JdbcExternalIdentityStore implements ExternalIdentityStore {

    private static final String COLUMNS = "provider, subject, user_id, linked_at";

    private final Db db;

    JdbcExternalIdentityStore(Db db) {
        this.db = db;
    }

    @Override
    public Optional<ExternalIdentity> find(String provider, String subject) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(subject, "subject");
        if (provider.length() > ExternalIdentity.MAX_LENGTH || subject.length() > ExternalIdentity.MAX_LENGTH) {
            return Optional.empty(); // wider than the columns: no such link can exist
        }
        return db.withHandle("externalIdentities.find", h -> h
                .createQuery("SELECT " + COLUMNS + " FROM portcullis_external_identities"
                        + " WHERE provider = :p AND subject = :s")
                .bind("p", provider)
                .bind("s", subject)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<ExternalIdentity> findByUser(String userId) {
        Objects.requireNonNull(userId, "userId");
        return db.withHandle("externalIdentities.findByUser", h -> h
                .createQuery("SELECT " + COLUMNS + " FROM portcullis_external_identities"
                        + " WHERE user_id = :u ORDER BY linked_at, provider, subject")
                .bind("u", userId)
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean link(ExternalIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        return db.inTransaction("externalIdentities.link", h -> db.insertIfAbsent(h,
                "INSERT INTO portcullis_external_identities (" + COLUMNS + ") VALUES (:p, :s, :u, :at)",
                u -> u.bind("p", identity.provider())
                        .bind("s", identity.subject())
                        .bind("u", identity.userId())
                        .bind("at", Db.ts(identity.linkedAt()))) == 1);
    }

    @Override
    public boolean unlink(String provider, String subject) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(subject, "subject");
        return db.withHandle("externalIdentities.unlink", h -> h
                .createUpdate("DELETE FROM portcullis_external_identities WHERE provider = :p AND subject = :s")
                .bind("p", provider)
                .bind("s", subject)
                .execute()) == 1;
    }

    @Override
    public boolean unlink(String provider, String subject, String expectedUserId) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(expectedUserId, "expectedUserId");
        // One statement: the condition on user_id and the delete are atomic.
        return db.withHandle("externalIdentities.unlinkIfUser", h -> h
                .createUpdate("DELETE FROM portcullis_external_identities"
                        + " WHERE provider = :p AND subject = :s AND user_id = :u")
                .bind("p", provider)
                .bind("s", subject)
                .bind("u", expectedUserId)
                .execute()) == 1;
    }

    private static ExternalIdentity map(ResultSet rs) throws SQLException {
        return new ExternalIdentity(rs.getString("provider"), rs.getString("subject"), rs.getString("user_id"),
                Db.instant(rs, "linked_at"));
    }
}

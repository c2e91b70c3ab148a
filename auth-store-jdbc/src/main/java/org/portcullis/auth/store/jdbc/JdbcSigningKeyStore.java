package org.portcullis.auth.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jdbi.v3.core.Handle;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;

/**
 * {@link SigningKeyStore} over table {@code portcullis_signing_keys}. The private part of each
 * key is sealed with AES-GCM under the application's key-encryption key ({@link KeyEncryption});
 * the public part is stored as is. Every node given the same database and KEK sees the same keys.
 * Thread-safe.
 */
final class JdbcSigningKeyStore implements SigningKeyStore {

    private final Db db;
    private final KeyEncryption encryption;

    JdbcSigningKeyStore(Db db, KeyEncryption encryption) {
        this.db = db;
        this.encryption = encryption;
    }

    @Override
    public List<SigningKey> findAll() {
        return db.withHandle("signingKeys.findAll", h -> h
                .createQuery("SELECT kid, algorithm, public_key, encrypted_private_key, created_at, activates_at,"
                        + " retires_at, expires_at FROM portcullis_signing_keys ORDER BY created_at, kid")
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean create(SigningKey key) {
        Objects.requireNonNull(key, "key");
        byte[] sealed = encryption.seal(key.kid(), key.algorithm(), key.privateKey());
        return db.inTransaction("signingKeys.create", h -> announced(h, db.insertIfAbsent(h,
                "INSERT INTO portcullis_signing_keys (kid, algorithm, public_key, encrypted_private_key, created_at,"
                        + " activates_at, retires_at, expires_at)"
                        + " VALUES (:kid, :alg, :pub, :priv, :created, :activates, :retires, :expires)",
                u -> u.bind("kid", key.kid())
                        .bind("alg", key.algorithm().name())
                        .bind("pub", key.publicKey())
                        .bind("priv", sealed)
                        .bind("created", Db.ts(key.createdAt()))
                        .bind("activates", Db.ts(key.activatesAt()))
                        .bind("retires", Db.ts(key.retiresAt().orElse(null)))
                        .bind("expires", Db.ts(key.expiresAt().orElse(null)))) == 1));
    }

    @Override
    public boolean update(SigningKey key) {
        Objects.requireNonNull(key, "key");
        // Only the schedule changes; the material and algorithm of a kid are fixed when it is added.
        return db.inTransaction("signingKeys.update", h -> announced(h, h
                .createUpdate("UPDATE portcullis_signing_keys SET retires_at = :retires, expires_at = :expires"
                        + " WHERE kid = :kid")
                .bind("retires", Db.ts(key.retiresAt().orElse(null)))
                .bind("expires", Db.ts(key.expiresAt().orElse(null)))
                .bind("kid", key.kid())
                .execute() == 1));
    }

    /**
     * Tells the other nodes to reload their keys when {@code changed}: a key published, retired
     * or withdrawn reaches them at once rather than at their next scheduled reload. Purged keys
     * could no longer verify anyway, so a purge announces nothing.
     */
    private boolean announced(Handle h, boolean changed) {
        if (changed) {
            db.announce(h, InvalidationMessages.KEYS);
        }
        return changed;
    }

    @Override
    public int purge(Instant now) {
        Objects.requireNonNull(now, "now");
        return db.withHandle("signingKeys.purge", h -> h
                .createUpdate("DELETE FROM portcullis_signing_keys WHERE expires_at <= :now")
                .bind("now", Db.ts(now))
                .execute());
    }

    private SigningKey map(ResultSet rs) throws SQLException {
        String kid = rs.getString("kid");
        SigningAlgorithm algorithm = SigningAlgorithm.valueOf(rs.getString("algorithm"));
        byte[] privateKey = encryption.open(kid, algorithm, rs.getBytes("encrypted_private_key"));
        try {
            return new SigningKey(kid, algorithm, rs.getBytes("public_key"), privateKey, Db.instant(rs, "created_at"),
                    Db.instant(rs, "activates_at"), Db.optionalInstant(rs, "retires_at"),
                    Db.optionalInstant(rs, "expires_at"));
        } finally {
            java.util.Arrays.fill(privateKey, (byte) 0);
        }
    }
}

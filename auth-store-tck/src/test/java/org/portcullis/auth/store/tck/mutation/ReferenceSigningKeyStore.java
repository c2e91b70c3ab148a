package org.portcullis.auth.store.tck.mutation;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreUnavailableException;

/** An obviously right {@link SigningKeyStore}: keys by kid, every method synchronized on its {@link Disk}. */
final class ReferenceSigningKeyStore implements SigningKeyStore {

    /** What survives a restart, and the switch that takes the backend away. */
    static final class Disk {
        final Map<String, SigningKey> keys = new LinkedHashMap<>();
        volatile boolean down;
    }

    final Disk disk;

    ReferenceSigningKeyStore(Disk disk) {
        this.disk = disk;
    }

    private void up() {
        if (disk.down) {
            throw new StoreUnavailableException("the reference store's backend is gone");
        }
    }

    @Override
    public List<SigningKey> findAll() {
        synchronized (disk) {
            up();
            return disk.keys.values().stream()
                    .sorted(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::kid)).toList();
        }
    }

    @Override
    public boolean create(SigningKey key) {
        synchronized (disk) {
            up();
            return disk.keys.putIfAbsent(key.kid(), key) == null;
        }
    }

    @Override
    public boolean update(SigningKey key) {
        synchronized (disk) {
            up();
            SigningKey old = disk.keys.get(key.kid());
            if (old == null) {
                return false;
            }
            disk.keys.put(key.kid(), new SigningKey(old.kid(), old.algorithm(), old.publicKey(), old.privateKey(),
                    old.createdAt(), old.activatesAt(), key.retiresAt(), key.expiresAt()));
            return true;
        }
    }

    @Override
    public int purge(Instant now) {
        synchronized (disk) {
            up();
            List<String> gone = disk.keys.values().stream().filter(k -> !k.canVerifyAt(now)).map(SigningKey::kid).toList();
            gone.forEach(disk.keys::remove);
            return gone.size();
        }
    }

    // ---- unchecked primitives for the broken stores ----

    boolean exists(String kid) {
        synchronized (disk) {
            up();
            return disk.keys.containsKey(kid);
        }
    }

    List<SigningKey> readInInsertionOrder() {
        synchronized (disk) {
            up();
            return List.copyOf(disk.keys.values());
        }
    }

    void write(SigningKey key) {
        synchronized (disk) {
            up();
            disk.keys.put(key.kid(), key);
        }
    }

    @Override
    public String toString() {
        return "ReferenceSigningKeyStore";
    }
}

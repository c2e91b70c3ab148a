package org.portcullis.auth.store.tck.mutation;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.api.StoreUnavailableException;

/** An obviously right {@link ExternalIdentityStore}: one map, every method synchronized on its {@link Disk}. */
final class ReferenceExternalIdentityStore implements ExternalIdentityStore {

    /** What survives a restart, and the switch that takes the backend away. */
    static final class Disk {
        /** Keyed by provider, a NUL, and subject. */
        final Map<String, ExternalIdentity> links = new LinkedHashMap<>();
        volatile boolean down;
    }

    final Disk disk;

    ReferenceExternalIdentityStore(Disk disk) {
        this.disk = disk;
    }

    static String key(String provider, String subject) {
        return provider + "\u0000" + subject;
    }

    private void up() {
        if (disk.down) {
            throw new StoreUnavailableException("the reference store's backend is gone");
        }
    }

    @Override
    public Optional<ExternalIdentity> find(String provider, String subject) {
        synchronized (disk) {
            up();
            return Optional.ofNullable(disk.links.get(key(provider, subject)));
        }
    }

    @Override
    public List<ExternalIdentity> findByUser(String userId) {
        synchronized (disk) {
            up();
            return disk.links.values().stream().filter(l -> l.userId().equals(userId))
                    .sorted(Comparator.comparing(ExternalIdentity::linkedAt)).toList();
        }
    }

    @Override
    public boolean link(ExternalIdentity identity) {
        synchronized (disk) {
            up();
            return disk.links.putIfAbsent(key(identity.provider(), identity.subject()), identity) == null;
        }
    }

    @Override
    public boolean unlink(String provider, String subject) {
        synchronized (disk) {
            up();
            return disk.links.remove(key(provider, subject)) != null;
        }
    }

    @Override
    public boolean unlink(String provider, String subject, String expectedUserId) {
        synchronized (disk) {
            up();
            ExternalIdentity now = disk.links.get(key(provider, subject));
            return now != null && now.userId().equals(expectedUserId) && disk.links.remove(key(provider, subject)) != null;
        }
    }

    // ---- unchecked primitives for the broken stores ----

    void write(ExternalIdentity identity) {
        synchronized (disk) {
            up();
            disk.links.put(key(identity.provider(), identity.subject()), identity);
        }
    }

    List<ExternalIdentity> readAll() {
        synchronized (disk) {
            up();
            return List.copyOf(disk.links.values());
        }
    }

    @Override
    public String toString() {
        return "ReferenceExternalIdentityStore";
    }
}

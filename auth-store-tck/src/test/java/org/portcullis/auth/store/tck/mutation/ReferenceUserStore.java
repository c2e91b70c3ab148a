package org.portcullis.auth.store.tck.mutation;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;

/** An obviously right {@link UserStore}: one map, every method synchronized on its {@link Disk}. */
final class ReferenceUserStore implements UserStore {

    /** What survives a restart, and the switch that takes the backend away. */
    static final class Disk {
        final Map<String, UserRecord> users = new HashMap<>();
        volatile boolean down;
    }

    final Disk disk;

    ReferenceUserStore(Disk disk) {
        this.disk = disk;
    }

    private void up() {
        if (disk.down) {
            throw new StoreUnavailableException("the reference store's backend is gone");
        }
    }

    @Override
    public Optional<UserRecord> findByUsername(String username) {
        String wanted = UserRecord.normalize(username);
        synchronized (disk) {
            up();
            return disk.users.values().stream().filter(u -> u.username().equals(wanted)).findFirst();
        }
    }

    @Override
    public Optional<UserRecord> findById(String userId) {
        synchronized (disk) {
            up();
            return Optional.ofNullable(disk.users.get(userId));
        }
    }

    @Override
    public boolean create(UserRecord user) {
        synchronized (disk) {
            up();
            if (disk.users.containsKey(user.id())
                    || disk.users.values().stream().anyMatch(u -> u.username().equals(user.username()))) {
                return false;
            }
            disk.users.put(user.id(), user);
            return true;
        }
    }

    @Override
    public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
        synchronized (disk) {
            up();
            UserRecord u = disk.users.get(userId);
            if (u == null || !u.passwordHash().equals(expectedHash)) {
                return false;
            }
            disk.users.put(userId, u.withPasswordHash(newHash));
            return true;
        }
    }

    @Override
    public boolean setEnabled(String userId, boolean enabled) {
        synchronized (disk) {
            up();
            UserRecord u = disk.users.get(userId);
            if (u == null) {
                return false;
            }
            disk.users.put(userId, new UserRecord(u.id(), u.username(), u.passwordHash(), u.roles(), enabled));
            return true;
        }
    }

    @Override
    public boolean setRoles(String userId, Set<String> roles) {
        synchronized (disk) {
            up();
            UserRecord u = disk.users.get(userId);
            if (u == null) {
                return false;
            }
            disk.users.put(userId, u.withRoles(roles));
            return true;
        }
    }

    @Override
    public List<UserRecord> list(Optional<String> afterUsername, int limit) {
        UserStore.requireListArguments(afterUsername, limit);
        Optional<String> after = afterUsername.map(UserRecord::normalize);
        synchronized (disk) {
            up();
            return disk.users.values().stream()
                    .filter(u -> after.isEmpty() || u.username().compareTo(after.get()) > 0)
                    .sorted(Comparator.comparing(UserRecord::username))
                    .limit(limit)
                    .toList();
        }
    }

    @Override
    public boolean delete(String userId) {
        synchronized (disk) {
            up();
            return disk.users.remove(userId) != null;
        }
    }

    // ---- unchecked primitives for the broken stores ----

    Map<String, UserRecord> readAll() {
        synchronized (disk) {
            up();
            return Map.copyOf(disk.users);
        }
    }

    void write(UserRecord user) {
        synchronized (disk) {
            up();
            disk.users.put(user.id(), user);
        }
    }

    @Override
    public String toString() {
        return "ReferenceUserStore";
    }
}

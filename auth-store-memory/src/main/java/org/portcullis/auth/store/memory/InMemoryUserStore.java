package org.portcullis.auth.store.memory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;

/**
 * A {@link UserStore} in a pair of concurrent maps, for tests, development and single-node use.
 *
 * <p>Thread-safe. Reads take no lock; {@link #create} takes a short lock so that the id and the
 * username are claimed together. {@link #updatePasswordHash} is an atomic compare-and-set.
 * Users are created only by the application, never by a request, so the store has no size cap:
 * it holds what the application puts in it.
 */
public final class InMemoryUserStore implements UserStore {

    private final ConcurrentHashMap<String, UserRecord> byId = new ConcurrentHashMap<>();
    /** Normalised username to id, sorted for {@link #list}. */
    private final ConcurrentSkipListMap<String, String> idByUsername = new ConcurrentSkipListMap<>();
    private final Object createLock = new Object();

    /** An empty store. */
    public InMemoryUserStore() {
    }

    @Override
    public Optional<UserRecord> findByUsername(String username) {
        Objects.requireNonNull(username, "username");
        String id = idByUsername.get(UserRecord.normalize(username));
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<UserRecord> findById(String userId) {
        Objects.requireNonNull(userId, "userId");
        return Optional.ofNullable(byId.get(userId));
    }

    @Override
    public boolean create(UserRecord user) {
        Objects.requireNonNull(user, "user");
        synchronized (createLock) {
            if (byId.containsKey(user.id()) || idByUsername.containsKey(user.username())) {
                return false;
            }
            // Record first, then the name: a concurrent findByUsername sees either nothing or the whole user.
            byId.put(user.id(), user);
            idByUsername.put(user.username(), user.id());
            return true;
        }
    }

    @Override
    public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(expectedHash, "expectedHash");
        Objects.requireNonNull(newHash, "newHash");
        boolean[] replaced = {false};
        byId.computeIfPresent(userId, (id, user) -> {
            if (sameSecret(user.passwordHash(), expectedHash)) {
                replaced[0] = true;
                return user.withPasswordHash(newHash);
            }
            return user;
        });
        return replaced[0];
    }

    @Override
    public boolean setEnabled(String userId, boolean enabled) {
        Objects.requireNonNull(userId, "userId");
        return byId.computeIfPresent(userId, (id, u) -> u.withEnabled(enabled)) != null;
    }

    @Override
    public boolean setRoles(String userId, Set<String> roles) {
        Objects.requireNonNull(userId, "userId");
        Set<String> copy = Set.copyOf(roles);
        return byId.computeIfPresent(userId, (id, u) -> u.withRoles(copy)) != null;
    }

    @Override
    public List<UserRecord> list(Optional<String> afterUsername, int limit) {
        UserStore.requireListArguments(afterUsername, limit);
        var names = afterUsername.isPresent()
                ? idByUsername.tailMap(UserRecord.normalize(afterUsername.get()), false) : idByUsername;
        List<UserRecord> page = new ArrayList<>(Math.min(limit, 64));
        for (String id : names.values()) {
            if (page.size() == limit) {
                break;
            }
            // A user deleted since the name was read is simply not listed.
            UserRecord u = byId.get(id);
            if (u != null) {
                page.add(u);
            }
        }
        return page;
    }

    @Override
    public boolean delete(String userId) {
        Objects.requireNonNull(userId, "userId");
        synchronized (createLock) {
            UserRecord gone = byId.remove(userId);
            if (gone == null) {
                return false;
            }
            idByUsername.remove(gone.username(), userId);
            return true;
        }
    }

    /** Hashes are compared in constant time, as any secret-derived value (OWASP ASVS V2.4). */
    static boolean sameSecret(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "InMemoryUserStore[users=" + byId.size() + "]";
    }
}

package org.portcullis.auth.store.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.ExternalIdentityStore;

/**
 * An {@link ExternalIdentityStore} in memory, for tests, development and single-node use.
 *
 * <p>Thread-safe: every method holds one short lock, so a link is found by its identity and by
 * its user together or not at all, and of concurrent links of one identity exactly one wins.
 * Links are made by logins that a provider vouched for (one per new external identity), so the
 * store has no size cap of its own; the provider's users bound it.
 */
public final class InMemoryExternalIdentityStore implements ExternalIdentityStore {

    private record Key(String provider, String subject) {
    }

    private final Map<Key, ExternalIdentity> byIdentity = new HashMap<>();
    private final Map<String, Map<Key, ExternalIdentity>> byUser = new HashMap<>();

    /** An empty store. */
    public InMemoryExternalIdentityStore() {
    }

    @Override
    public synchronized Optional<ExternalIdentity> find(String provider, String subject) {
        return Optional.ofNullable(byIdentity.get(key(provider, subject)));
    }

    @Override
    public synchronized List<ExternalIdentity> findByUser(String userId) {
        Objects.requireNonNull(userId, "userId");
        List<ExternalIdentity> links = new ArrayList<>(byUser.getOrDefault(userId, Map.of()).values());
        links.sort(Comparator.comparing(ExternalIdentity::linkedAt));
        return List.copyOf(links);
    }

    @Override
    public synchronized boolean link(ExternalIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        Key key = key(identity.provider(), identity.subject());
        if (byIdentity.putIfAbsent(key, identity) != null) {
            return false;
        }
        byUser.computeIfAbsent(identity.userId(), u -> new LinkedHashMap<>()).put(key, identity);
        return true;
    }

    @Override
    public synchronized boolean unlink(String provider, String subject) {
        Key key = key(provider, subject);
        ExternalIdentity gone = byIdentity.remove(key);
        if (gone == null) {
            return false;
        }
        Map<Key, ExternalIdentity> ofUser = byUser.get(gone.userId());
        ofUser.remove(key);
        if (ofUser.isEmpty()) {
            byUser.remove(gone.userId());
        }
        return true;
    }

    @Override
    public synchronized boolean unlink(String provider, String subject, String expectedUserId) {
        Objects.requireNonNull(expectedUserId, "expectedUserId");
        ExternalIdentity now = byIdentity.get(key(provider, subject));
        return now != null && now.userId().equals(expectedUserId) && unlink(provider, subject);
    }

    private static Key key(String provider, String subject) {
        return new Key(Objects.requireNonNull(provider, "provider"), Objects.requireNonNull(subject, "subject"));
    }

    @Override
    public synchronized String toString() {
        return "InMemoryExternalIdentityStore[links=" + byIdentity.size() + "]";
    }
}

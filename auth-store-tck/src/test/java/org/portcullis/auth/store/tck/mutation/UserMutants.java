package org.portcullis.auth.store.tck.mutation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;
import org.portcullis.auth.store.tck.mutation.ReferenceUserStore.Disk;

/** Broken user stores, each wrapping a {@link ReferenceUserStore} and breaking one behaviour. */
final class UserMutants {

    private UserMutants() {
    }

    static Mutant<Disk, UserStore> reference() {
        return Mutant.of("the reference store", "-", (disk, clock) -> new ReferenceUserStore(disk));
    }

    static List<Mutant<Disk, UserStore>> all() {
        List<Mutant<Disk, UserStore>> m = new ArrayList<>();
        m.add(wrap("updatePasswordHash replaces whatever hash is there", "keeps", HashChangeWithoutCompare::new));
        m.add(wrap("updatePasswordHash reads, then writes (not atomic)", "oneHashChange", NonAtomicHashChange::new));
        m.add(wrap("findByUsername does not normalise its argument", "normalised", UsernameNotNormalised::new));
        m.add(wrap("create accepts a taken username", "takenUsername", TakenUsernameAccepted::new));
        m.add(wrap("create checks, then writes (not atomic)", "oneCreation", NonAtomicCreate::new));
        m.add(wrap("setEnabled drops the roles", "toggles", SetEnabledDropsRoles::new));
        m.add(Mutant.of("a restart forgets every user", "survivesRestart", (disk, clock) -> {
            synchronized (disk) {
                disk.users.clear();
            }
            return new ReferenceUserStore(disk);
        }));
        m.add(wrap("a restart forgets hash changes and disabled flags", "changesSurviveRestart", ChangesInMemoryOnly::new));
        m.add(wrap("findById answers empty when the backend is gone", "everyMethod", FindFailsOpen::new));
        m.add(wrap("setRoles keeps the old roles", "setsRoles", SetRolesIgnored::new));
        m.add(wrap("setRoles creates an unknown user", "setsRolesUnknown", SetRolesCreates::new));
        m.add(wrap("list starts at the cursor instead of after it", "listsRecords", ListCursorInclusive::new));
        m.add(wrap("list ignores the limit", "listsInPages", ListUnlimited::new));
        m.add(wrap("list comes in creation order", "listsInPages", ListUnsorted::new));
        m.add(wrap("delete keeps the username taken", "deletes", DeleteKeepsUsername::new));
        m.add(wrap("delete reads, then deletes (not atomic)", "oneDelete", NonAtomicDelete::new));
        m.add(wrap("a restart forgets changed roles and deletions", "rolesAndDeletionSurviveRestart",
                RolesAndDeletionsInMemoryOnly::new));
        return m;
    }

    private static Mutant<Disk, UserStore> wrap(String name, String caughtBy, Function<ReferenceUserStore, UserStore> f) {
        return Mutant.of(name, caughtBy, (disk, clock) -> f.apply(new ReferenceUserStore(disk)));
    }

    /** Passes every call to the reference store; each mutant overrides what it breaks. */
    abstract static class Forwarding implements UserStore {
        final ReferenceUserStore ref;

        Forwarding(ReferenceUserStore ref) {
            this.ref = ref;
        }

        @Override
        public Optional<UserRecord> findByUsername(String username) {
            return ref.findByUsername(username);
        }

        @Override
        public Optional<UserRecord> findById(String userId) {
            return ref.findById(userId);
        }

        @Override
        public boolean create(UserRecord user) {
            return ref.create(user);
        }

        @Override
        public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
            return ref.updatePasswordHash(userId, expectedHash, newHash);
        }

        @Override
        public boolean setEnabled(String userId, boolean enabled) {
            return ref.setEnabled(userId, enabled);
        }

        @Override
        public boolean setRoles(String userId, Set<String> roles) {
            return ref.setRoles(userId, roles);
        }

        @Override
        public List<UserRecord> list(Optional<String> afterUsername, int limit) {
            return ref.list(afterUsername, limit);
        }

        @Override
        public boolean delete(String userId) {
            return ref.delete(userId);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName();
        }
    }

    static final class SetRolesIgnored extends Forwarding {
        SetRolesIgnored(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean setRoles(String userId, Set<String> roles) {
            return ref.findById(userId).isPresent();
        }
    }

    static final class SetRolesCreates extends Forwarding {
        SetRolesCreates(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean setRoles(String userId, Set<String> roles) {
            if (ref.findById(userId).isEmpty()) {
                ref.write(new UserRecord(userId, "ghost-" + userId, "-", roles, true));
                return false;
            }
            return ref.setRoles(userId, roles);
        }
    }

    static final class ListCursorInclusive extends Forwarding {
        ListCursorInclusive(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public List<UserRecord> list(Optional<String> afterUsername, int limit) {
            Optional<String> after = afterUsername.map(UserRecord::normalize);
            return ref.readAll().values().stream()
                    .filter(u -> after.isEmpty() || u.username().compareTo(after.get()) >= 0)
                    .sorted(Comparator.comparing(UserRecord::username)).limit(limit).toList();
        }
    }

    static final class ListUnlimited extends Forwarding {
        ListUnlimited(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public List<UserRecord> list(Optional<String> afterUsername, int limit) {
            return ref.list(afterUsername, UserStore.MAX_PAGE);
        }
    }

    /** Sorted by id instead of username: random ids give another order than the usernames'. */
    static final class ListUnsorted extends Forwarding {
        ListUnsorted(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public List<UserRecord> list(Optional<String> afterUsername, int limit) {
            Optional<String> after = afterUsername.map(UserRecord::normalize);
            return ref.readAll().values().stream()
                    .filter(u -> after.isEmpty() || u.username().compareTo(after.get()) > 0)
                    .sorted(Comparator.comparing(UserRecord::id)).limit(limit).toList();
        }
    }

    /** Marks the user deleted by id only, keeping its record (and so its username) on disk. */
    static final class DeleteKeepsUsername extends Forwarding {
        private final Set<String> deleted = ConcurrentHashMap.newKeySet();

        DeleteKeepsUsername(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public Optional<UserRecord> findById(String userId) {
            return deleted.contains(userId) ? Optional.empty() : ref.findById(userId);
        }

        @Override
        public Optional<UserRecord> findByUsername(String username) {
            return ref.findByUsername(username).filter(u -> !deleted.contains(u.id()));
        }

        @Override
        public List<UserRecord> list(Optional<String> afterUsername, int limit) {
            return ref.list(afterUsername, limit).stream().filter(u -> !deleted.contains(u.id())).toList();
        }

        @Override
        public boolean setEnabled(String userId, boolean enabled) {
            return !deleted.contains(userId) && ref.setEnabled(userId, enabled);
        }

        @Override
        public boolean delete(String userId) {
            return ref.findById(userId).isPresent() && deleted.add(userId);
        }
    }

    static final class NonAtomicDelete extends Forwarding {
        NonAtomicDelete(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean delete(String userId) {
            if (ref.findById(userId).isEmpty()) {
                return false;
            }
            Mutant.gap();
            ref.delete(userId);
            return true;
        }
    }

    /** Keeps role changes and deletions in this instance only, as a cache that never writes back. */
    static final class RolesAndDeletionsInMemoryOnly extends Forwarding {
        private final Map<String, Set<String>> roles = new ConcurrentHashMap<>();
        private final Set<String> deleted = ConcurrentHashMap.newKeySet();

        RolesAndDeletionsInMemoryOnly(ReferenceUserStore ref) {
            super(ref);
        }

        private Optional<UserRecord> view(Optional<UserRecord> u) {
            return u.filter(x -> !deleted.contains(x.id())).map(x -> roles.containsKey(x.id()) ? x.withRoles(roles.get(x.id())) : x);
        }

        @Override
        public Optional<UserRecord> findByUsername(String username) {
            return view(ref.findByUsername(username));
        }

        @Override
        public Optional<UserRecord> findById(String userId) {
            return view(ref.findById(userId));
        }

        @Override
        public List<UserRecord> list(Optional<String> afterUsername, int limit) {
            return ref.list(afterUsername, limit).stream().map(Optional::of).map(this::view)
                    .flatMap(Optional::stream).toList();
        }

        @Override
        public boolean setRoles(String userId, Set<String> newRoles) {
            if (findById(userId).isEmpty()) {
                return false;
            }
            roles.put(userId, Set.copyOf(newRoles));
            return true;
        }

        @Override
        public boolean delete(String userId) {
            return findById(userId).isPresent() && deleted.add(userId);
        }
    }

    static final class HashChangeWithoutCompare extends Forwarding {
        HashChangeWithoutCompare(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
            return ref.findById(userId).map(u -> ref.updatePasswordHash(userId, u.passwordHash(), newHash)).orElse(false);
        }
    }

    static final class NonAtomicHashChange extends Forwarding {
        NonAtomicHashChange(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
            Optional<UserRecord> u = ref.findById(userId);
            if (u.isEmpty() || !u.get().passwordHash().equals(expectedHash)) {
                return false;
            }
            Mutant.gap();
            ref.write(u.get().withPasswordHash(newHash));
            return true;
        }
    }

    static final class UsernameNotNormalised extends Forwarding {
        UsernameNotNormalised(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public Optional<UserRecord> findByUsername(String username) {
            return ref.readAll().values().stream().filter(u -> u.username().equals(username)).findFirst();
        }
    }

    static final class TakenUsernameAccepted extends Forwarding {
        TakenUsernameAccepted(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean create(UserRecord user) {
            if (ref.findById(user.id()).isPresent()) {
                return false;
            }
            ref.write(user);
            return true;
        }
    }

    static final class NonAtomicCreate extends Forwarding {
        NonAtomicCreate(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean create(UserRecord user) {
            if (ref.findById(user.id()).isPresent() || ref.findByUsername(user.username()).isPresent()) {
                return false;
            }
            Mutant.gap();
            ref.write(user);
            return true;
        }
    }

    static final class SetEnabledDropsRoles extends Forwarding {
        SetEnabledDropsRoles(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public boolean setEnabled(String userId, boolean enabled) {
            Optional<UserRecord> u = ref.findById(userId);
            u.ifPresent(x -> ref.write(new UserRecord(x.id(), x.username(), x.passwordHash(), Set.of(), enabled)));
            return u.isPresent();
        }
    }

    /** Keeps changed users in this instance only, as a cache that never writes back. */
    static final class ChangesInMemoryOnly extends Forwarding {
        private final Map<String, UserRecord> changed = new ConcurrentHashMap<>();

        ChangesInMemoryOnly(ReferenceUserStore ref) {
            super(ref);
        }

        private Optional<UserRecord> view(Optional<UserRecord> u) {
            return u.map(x -> changed.getOrDefault(x.id(), x));
        }

        @Override
        public Optional<UserRecord> findByUsername(String username) {
            return view(ref.findByUsername(username));
        }

        @Override
        public Optional<UserRecord> findById(String userId) {
            return view(ref.findById(userId));
        }

        @Override
        public boolean updatePasswordHash(String userId, String expectedHash, String newHash) {
            Optional<UserRecord> u = findById(userId);
            if (u.isEmpty() || !u.get().passwordHash().equals(expectedHash)) {
                return false;
            }
            changed.put(userId, u.get().withPasswordHash(newHash));
            return true;
        }

        @Override
        public boolean setEnabled(String userId, boolean enabled) {
            Optional<UserRecord> u = findById(userId);
            u.ifPresent(x -> changed.put(userId,
                    new UserRecord(x.id(), x.username(), x.passwordHash(), x.roles(), enabled)));
            return u.isPresent();
        }
    }

    static final class FindFailsOpen extends Forwarding {
        FindFailsOpen(ReferenceUserStore ref) {
            super(ref);
        }

        @Override
        public Optional<UserRecord> findById(String userId) {
            try {
                return ref.findById(userId);
            } catch (StoreUnavailableException e) {
                return Optional.empty();
            }
        }
    }
}

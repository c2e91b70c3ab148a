package org.portcullis.auth.store.tck.mutation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.store.tck.mutation.ReferenceSigningKeyStore.Disk;

/** Broken signing-key stores, each wrapping a {@link ReferenceSigningKeyStore} and breaking one behaviour. */
final class KeyMutants {

    private KeyMutants() {
    }

    static Mutant<Disk, SigningKeyStore> reference() {
        return Mutant.of("the reference store", "-", (disk, clock) -> new ReferenceSigningKeyStore(disk));
    }

    static List<Mutant<Disk, SigningKeyStore>> all() {
        List<Mutant<Disk, SigningKeyStore>> m = new ArrayList<>();
        m.add(wrap("purge deletes keys one second after they expire", "boundary", PurgeOneSecondLate::new));
        m.add(wrap("create overwrites a key with the same kid", "duplicateKid", CreateOverwrites::new));
        m.add(wrap("create checks, then writes (not atomic)", "oneCreate", NonAtomicCreate::new));
        m.add(wrap("update replaces the key material", "materialStays", UpdateReplacesMaterial::new));
        m.add(wrap("findAll lists keys in the order they were created in the store", "oldestFirst", InsertionOrder::new));
        m.add(wrap("a schedule is rounded down to the second", "millisecondsKept", ScheduleInSeconds::new));
        m.add(wrap("toString prints the private keys", "toStringHidesKeys", ToStringPrintsKeys::new));
        m.add(Mutant.of("a restart forgets every key", "survivesRestart", (disk, clock) -> {
            synchronized (disk) {
                disk.keys.clear();
            }
            return new ReferenceSigningKeyStore(disk);
        }));
        m.add(wrap("a restart forgets retirements", "retirementSurvivesRestart", UpdatesInMemoryOnly::new));
        m.add(wrap("findAll answers no key when the backend is gone", "everyMethod", FindAllFailsOpen::new));
        return m;
    }

    private static Mutant<Disk, SigningKeyStore> wrap(String name, String caughtBy,
                                                      Function<ReferenceSigningKeyStore, SigningKeyStore> f) {
        return Mutant.of(name, caughtBy, (disk, clock) -> f.apply(new ReferenceSigningKeyStore(disk)));
    }

    /** Passes every call to the reference store; each mutant overrides what it breaks. */
    abstract static class Forwarding implements SigningKeyStore {
        final ReferenceSigningKeyStore ref;

        Forwarding(ReferenceSigningKeyStore ref) {
            this.ref = ref;
        }

        @Override
        public List<SigningKey> findAll() {
            return ref.findAll();
        }

        @Override
        public boolean create(SigningKey key) {
            return ref.create(key);
        }

        @Override
        public boolean update(SigningKey key) {
            return ref.update(key);
        }

        @Override
        public int purge(Instant now) {
            return ref.purge(now);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName();
        }
    }

    static final class PurgeOneSecondLate extends Forwarding {
        PurgeOneSecondLate(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public int purge(Instant now) {
            return ref.purge(now.minusSeconds(1));
        }
    }

    static final class CreateOverwrites extends Forwarding {
        CreateOverwrites(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public boolean create(SigningKey key) {
            ref.write(key);
            return true;
        }
    }

    static final class NonAtomicCreate extends Forwarding {
        NonAtomicCreate(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public boolean create(SigningKey key) {
            if (ref.exists(key.kid())) {
                return false;
            }
            Mutant.gap();
            ref.write(key);
            return true;
        }
    }

    static final class UpdateReplacesMaterial extends Forwarding {
        UpdateReplacesMaterial(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public boolean update(SigningKey key) {
            if (!ref.exists(key.kid())) {
                return false;
            }
            ref.write(key);
            return true;
        }
    }

    static final class InsertionOrder extends Forwarding {
        InsertionOrder(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public List<SigningKey> findAll() {
            return ref.readInInsertionOrder();
        }
    }

    static final class ScheduleInSeconds extends Forwarding {
        ScheduleInSeconds(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public boolean update(SigningKey key) {
            return ref.update(new SigningKey(key.kid(), key.algorithm(), key.publicKey(), key.privateKey(),
                    key.createdAt(), key.activatesAt(), key.retiresAt().map(t -> t.truncatedTo(ChronoUnit.SECONDS)),
                    key.expiresAt().map(t -> t.truncatedTo(ChronoUnit.SECONDS))));
        }
    }

    static final class ToStringPrintsKeys extends Forwarding {
        ToStringPrintsKeys(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("ToStringPrintsKeys");
            ref.readInInsertionOrder().forEach(k -> b.append(' ').append(java.util.HexFormat.of().formatHex(k.privateKey())));
            return b.toString();
        }
    }

    /** Keeps new schedules in this instance only, as a cache that never writes back. */
    static final class UpdatesInMemoryOnly extends Forwarding {
        private final Map<String, SigningKey> updated = new ConcurrentHashMap<>();

        UpdatesInMemoryOnly(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public List<SigningKey> findAll() {
            return ref.findAll().stream().map(k -> Optional.ofNullable(updated.get(k.kid())).orElse(k)).toList();
        }

        @Override
        public boolean update(SigningKey key) {
            Optional<SigningKey> old = ref.findAll().stream().filter(k -> k.kid().equals(key.kid())).findFirst();
            old.ifPresent(o -> updated.put(o.kid(), new SigningKey(o.kid(), o.algorithm(), o.publicKey(),
                    o.privateKey(), o.createdAt(), o.activatesAt(), key.retiresAt(), key.expiresAt())));
            return old.isPresent();
        }
    }

    static final class FindAllFailsOpen extends Forwarding {
        FindAllFailsOpen(ReferenceSigningKeyStore ref) {
            super(ref);
        }

        @Override
        public List<SigningKey> findAll() {
            try {
                return ref.findAll();
            } catch (StoreUnavailableException e) {
                return List.of();
            }
        }
    }
}

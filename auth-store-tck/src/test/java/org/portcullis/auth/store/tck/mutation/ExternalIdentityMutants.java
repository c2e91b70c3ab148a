package org.portcullis.auth.store.tck.mutation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.ExternalIdentityStore;
import org.portcullis.auth.store.tck.mutation.ReferenceExternalIdentityStore.Disk;

/** Broken external-identity stores, each wrapping a {@link ReferenceExternalIdentityStore} and breaking one behaviour. */
final class ExternalIdentityMutants {

    private ExternalIdentityMutants() {
    }

    static Mutant<Disk, ExternalIdentityStore> reference() {
        return Mutant.of("the reference store", "-", (disk, clock) -> new ReferenceExternalIdentityStore(disk));
    }

    static List<Mutant<Disk, ExternalIdentityStore>> all() {
        List<Mutant<Disk, ExternalIdentityStore>> m = new ArrayList<>();
        m.add(wrap("link replaces an existing link", "takenIdentity", LinkOverwrites::new));
        m.add(wrap("link checks, then writes (not atomic)", "oneLink", NonAtomicLink::new));
        m.add(wrap("find ignores the case of the subject", "caseSensitive", CaseInsensitiveFind::new));
        m.add(wrap("find ignores the provider", "subjectIsPerProvider", ProviderIgnored::new));
        m.add(wrap("findByUser lists the newest link first", "byUser", NewestFirst::new));
        m.add(wrap("unlink reports success but keeps the link", "unlinks", UnlinkForgets::new));
        m.add(wrap("a conditional unlink ignores the expected user", "unlinkIfUser", UnlinkIgnoresUser::new));
        m.add(Mutant.of("a restart forgets every link", "survivesRestart", (disk, clock) -> {
            synchronized (disk) {
                disk.links.clear();
            }
            return new ReferenceExternalIdentityStore(disk);
        }));
        m.add(wrap("find answers empty when the backend is gone", "everyMethod", FindFailsOpen::new));
        return m;
    }

    private static Mutant<Disk, ExternalIdentityStore> wrap(String name, String caughtBy,
                                                           Function<ReferenceExternalIdentityStore, ExternalIdentityStore> f) {
        return Mutant.of(name, caughtBy, (disk, clock) -> f.apply(new ReferenceExternalIdentityStore(disk)));
    }

    /** Passes every call to the reference store; each mutant overrides what it breaks. */
    abstract static class Forwarding implements ExternalIdentityStore {
        final ReferenceExternalIdentityStore ref;

        Forwarding(ReferenceExternalIdentityStore ref) {
            this.ref = ref;
        }

        @Override
        public Optional<ExternalIdentity> find(String provider, String subject) {
            return ref.find(provider, subject);
        }

        @Override
        public List<ExternalIdentity> findByUser(String userId) {
            return ref.findByUser(userId);
        }

        @Override
        public boolean link(ExternalIdentity identity) {
            return ref.link(identity);
        }

        @Override
        public boolean unlink(String provider, String subject) {
            return ref.unlink(provider, subject);
        }

        @Override
        public boolean unlink(String provider, String subject, String expectedUserId) {
            return ref.unlink(provider, subject, expectedUserId);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName();
        }
    }

    static final class LinkOverwrites extends Forwarding {
        LinkOverwrites(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public boolean link(ExternalIdentity identity) {
            ref.write(identity);
            return true;
        }
    }

    static final class NonAtomicLink extends Forwarding {
        NonAtomicLink(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public boolean link(ExternalIdentity identity) {
            if (ref.find(identity.provider(), identity.subject()).isPresent()) {
                return false;
            }
            Mutant.gap();
            ref.write(identity);
            return true;
        }
    }

    static final class CaseInsensitiveFind extends Forwarding {
        CaseInsensitiveFind(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public Optional<ExternalIdentity> find(String provider, String subject) {
            return ref.readAll().stream().filter(l -> l.provider().equals(provider)
                    && l.subject().toLowerCase(Locale.ROOT).equals(subject.toLowerCase(Locale.ROOT))).findFirst();
        }
    }

    static final class ProviderIgnored extends Forwarding {
        ProviderIgnored(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public Optional<ExternalIdentity> find(String provider, String subject) {
            return ref.readAll().stream().filter(l -> l.subject().equals(subject)).findFirst();
        }
    }

    static final class NewestFirst extends Forwarding {
        NewestFirst(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public List<ExternalIdentity> findByUser(String userId) {
            return ref.findByUser(userId).stream().sorted(Comparator.comparing(ExternalIdentity::linkedAt).reversed()).toList();
        }
    }

    static final class UnlinkForgets extends Forwarding {
        UnlinkForgets(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public boolean unlink(String provider, String subject) {
            return ref.find(provider, subject).isPresent();
        }
    }

    static final class UnlinkIgnoresUser extends Forwarding {
        UnlinkIgnoresUser(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public boolean unlink(String provider, String subject, String expectedUserId) {
            return ref.unlink(provider, subject);
        }
    }

    static final class FindFailsOpen extends Forwarding {
        FindFailsOpen(ReferenceExternalIdentityStore ref) {
            super(ref);
        }

        @Override
        public Optional<ExternalIdentity> find(String provider, String subject) {
            try {
                return ref.find(provider, subject);
            } catch (org.portcullis.auth.api.StoreUnavailableException e) {
                return Optional.empty();
            }
        }
    }
}

package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.api.UserStore;

/**
 * The behaviour every {@link UserStore} must show. Extend it and override {@link #createStore};
 * see {@link StoreContract} for the optional capabilities.
 *
 * <pre>{@code
 * class MyUserStoreTest extends UserStoreContract {
 *     @Override
 *     protected UserStore createStore(MutableClock clock) {
 *         return new MyUserStore(dataSource);
 *     }
 * }
 * }</pre>
 */
@DisplayName("UserStore contract")
public abstract class UserStoreContract extends StoreContract<UserStore> {

    /** A PHC-shaped hash; the store treats it as an opaque string. */
    protected static String phc(String salt) {
        return "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$c2VjcmV0LWRpZ2VzdC0" + salt;
    }

    /** A new enabled user with a random id. */
    protected static UserRecord user(String username) {
        return new UserRecord(UUID.randomUUID().toString(), username, phc(UUID.randomUUID().toString().substring(0, 8)),
                Set.of("user"), true);
    }

    private UserRecord created(String username) {
        UserRecord user = user(username);
        assertThat(store.create(user)).isTrue();
        return user;
    }

    @Nested
    @DisplayName("creating and finding")
    class CreatingAndFinding {

        @Test
        @DisplayName("a created user is found by id and by username, field for field")
        void found() {
            UserRecord alice = new UserRecord(UUID.randomUUID().toString(), "alice", phc("s1"),
                    Set.of("admin", "user"), true);
            assertThat(store.create(alice)).isTrue();
            assertThat(store.findById(alice.id())).contains(alice);
            assertThat(store.findByUsername("alice")).contains(alice);
        }

        @Test
        @DisplayName("a username is found whatever its case and surrounding spaces")
        void normalised() {
            UserRecord alice = created("Alice");
            assertThat(store.findByUsername("  ALICE ")).contains(alice);
            assertThat(store.findByUsername("alice")).contains(alice);
        }

        @Test
        @DisplayName("an unknown id or username finds nothing")
        void unknown() {
            created("alice");
            assertThat(store.findById(UUID.randomUUID().toString())).isEmpty();
            assertThat(store.findByUsername("bob")).isEmpty();
        }

        @Test
        @DisplayName("a taken id is refused and the first user is kept")
        void takenId() {
            UserRecord alice = created("alice");
            UserRecord clash = new UserRecord(alice.id(), "mallory", phc("x"), Set.of(), true);
            assertThat(store.create(clash)).isFalse();
            assertThat(store.findById(alice.id())).contains(alice);
            assertThat(store.findByUsername("mallory")).isEmpty();
        }

        @Test
        @DisplayName("a taken username, in any case, is refused and the newcomer is not stored")
        void takenUsername() {
            UserRecord alice = created("alice");
            UserRecord clash = user("ALICE");
            assertThat(store.create(clash)).isFalse();
            assertThat(store.findById(clash.id())).isEmpty();
            assertThat(store.findByUsername("alice")).contains(alice);
        }
    }

    @Nested
    @DisplayName("changing a password hash")
    class ChangingHash {

        @Test
        @DisplayName("the hash is replaced when it is still the expected one")
        void replaces() {
            UserRecord alice = created("alice");
            assertThat(store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("new"))).isTrue();
            assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(phc("new"));
            assertThat(store.findByUsername("alice").orElseThrow().passwordHash()).isEqualTo(phc("new"));
        }

        @Test
        @DisplayName("the hash is kept when it is no longer the expected one")
        void keeps() {
            UserRecord alice = created("alice");
            assertThat(store.updatePasswordHash(alice.id(), phc("stale"), phc("new"))).isFalse();
            assertThat(store.findById(alice.id())).contains(alice);
        }

        @Test
        @DisplayName("changing the hash of an unknown user reports false")
        void unknown() {
            assertThat(store.updatePasswordHash(UUID.randomUUID().toString(), phc("a"), phc("b"))).isFalse();
        }

        @Test
        @DisplayName("a change of hash keeps the roles and the enabled flag")
        void keepsTheRest() {
            UserRecord alice = created("alice");
            store.setEnabled(alice.id(), false);
            store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("new"));
            UserRecord after = store.findById(alice.id()).orElseThrow();
            assertThat(after.roles()).isEqualTo(alice.roles());
            assertThat(after.enabled()).isFalse();
        }
    }

    @Nested
    @DisplayName("enabling and disabling")
    class Enabling {

        @Test
        @DisplayName("a user is disabled and enabled again, keeping hash and roles")
        void toggles() {
            UserRecord alice = created("alice");
            assertThat(store.setEnabled(alice.id(), false)).isTrue();
            assertThat(store.findByUsername("alice").orElseThrow().enabled()).isFalse();
            assertThat(store.setEnabled(alice.id(), true)).isTrue();
            assertThat(store.findById(alice.id())).contains(alice);
        }

        @Test
        @DisplayName("enabling an unknown user reports false")
        void unknown() {
            assertThat(store.setEnabled(UUID.randomUUID().toString(), true)).isFalse();
        }
    }

    @Nested
    @DisplayName("under concurrency (real threads)")
    class Concurrency {

        @Test
        @DisplayName("exactly one of 32 concurrent hash changes from the same expected hash wins")
        void oneHashChange() {
            UserRecord alice = created("alice");
            List<Boolean> results = race(THREADS,
                    i -> () -> store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("n" + i)));
            assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
            String winner = phc("n" + results.indexOf(true));
            assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(winner);
        }

        @Test
        @DisplayName("exactly one of 32 concurrent creations of the same username succeeds")
        void oneCreation() {
            List<UserRecord> users = race(THREADS, i -> () -> user("alice"));
            List<Boolean> results = race(THREADS, i -> () -> store.create(users.get(i)));
            assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
            UserRecord winner = users.get(results.indexOf(true));
            assertThat(store.findByUsername("alice")).contains(winner);
        }
    }

    @Nested
    @DisplayName("answers and secrets")
    class AnswersAndSecrets {

        @Test
        @DisplayName("no method answers null on an empty store")
        void noNulls() {
            assertThat(store.findById("nobody")).isNotNull().isEmpty();
            assertThat(store.findByUsername("nobody")).isNotNull().isEmpty();
        }

        @Test
        @DisplayName("toString does not print a password hash")
        void toStringHidesHashes() {
            UserRecord alice = created("alice");
            assertThat(store.toString()).doesNotContain(alice.passwordHash());
        }
    }

    @Nested
    @DisplayName("optional: durability")
    class Durability {

        @Test
        @DisplayName("users survive a restart")
        void survivesRestart() {
            UserRecord alice = created("alice");
            store.setEnabled(alice.id(), false);
            UserStore again = reopened();
            assertThat(again.findByUsername("alice")).contains(store.findById(alice.id()).orElseThrow());
        }
    }

    @Nested
    @DisplayName("optional: failing closed")
    class FailingClosed {

        @Test
        @DisplayName("every method throws StoreUnavailableException when the backend is gone")
        void everyMethod() {
            UserRecord alice = created("alice");
            cutOff();
            assertThatThrownBy(() -> store.findById(alice.id())).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.findByUsername("alice")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.create(user("bob"))).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("x")))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.setEnabled(alice.id(), false)).isInstanceOf(StoreUnavailableException.class);
        }
    }
}

package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
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

    @Test
    @DisplayName("creating and finding: a created user is found by id and by username, field for field")
    void found() {
        UserRecord alice = new UserRecord(UUID.randomUUID().toString(), "alice", phc("s1"),
                Set.of("admin", "user"), true);
        assertThat(store.create(alice)).isTrue();
        assertThat(store.findById(alice.id())).contains(alice);
        assertThat(store.findByUsername("alice")).contains(alice);
    }

    @Test
    @DisplayName("creating and finding: a username is found whatever its case and surrounding spaces")
    void normalised() {
        UserRecord alice = created("Alice");
        assertThat(store.findByUsername("  ALICE ")).contains(alice);
        assertThat(store.findByUsername("alice")).contains(alice);
    }

    @Test
    @DisplayName("creating and finding: an unknown id or username finds nothing")
    void unknown() {
        created("alice");
        assertThat(store.findById(UUID.randomUUID().toString())).isEmpty();
        assertThat(store.findByUsername("bob")).isEmpty();
    }

    @Test
    @DisplayName("creating and finding: a taken id is refused and the first user is kept")
    void takenId() {
        UserRecord alice = created("alice");
        UserRecord clash = new UserRecord(alice.id(), "mallory", phc("x"), Set.of(), true);
        assertThat(store.create(clash)).isFalse();
        assertThat(store.findById(alice.id())).contains(alice);
        assertThat(store.findByUsername("mallory")).isEmpty();
    }

    @Test
    @DisplayName("creating and finding: a taken username, in any case, is refused and the newcomer is not stored")
    void takenUsername() {
        UserRecord alice = created("alice");
        UserRecord clash = user("ALICE");
        assertThat(store.create(clash)).isFalse();
        assertThat(store.findById(clash.id())).isEmpty();
        assertThat(store.findByUsername("alice")).contains(alice);
    }

    @Test
    @DisplayName("changing a password hash: the hash is replaced when it is still the expected one")
    void replaces() {
        UserRecord alice = created("alice");
        assertThat(store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("new"))).isTrue();
        assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(phc("new"));
        assertThat(store.findByUsername("alice").orElseThrow().passwordHash()).isEqualTo(phc("new"));
    }

    @Test
    @DisplayName("changing a password hash: the hash is kept when it is no longer the expected one")
    void keeps() {
        UserRecord alice = created("alice");
        assertThat(store.updatePasswordHash(alice.id(), phc("stale"), phc("new"))).isFalse();
        assertThat(store.findById(alice.id())).contains(alice);
    }

    @Test
    @DisplayName("changing a password hash: changing the hash of an unknown user reports false")
    void changingHashUnknown() {
        assertThat(store.updatePasswordHash(UUID.randomUUID().toString(), phc("a"), phc("b"))).isFalse();
    }

    @Test
    @DisplayName("changing a password hash: a change of hash keeps the roles and the enabled flag")
    void keepsTheRest() {
        UserRecord alice = created("alice");
        store.setEnabled(alice.id(), false);
        store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("new"));
        UserRecord after = store.findById(alice.id()).orElseThrow();
        assertThat(after.roles()).isEqualTo(alice.roles());
        assertThat(after.enabled()).isFalse();
    }

    @Test
    @DisplayName("enabling and disabling: a user is disabled and enabled again, keeping hash and roles")
    void toggles() {
        UserRecord alice = created("alice");
        assertThat(store.setEnabled(alice.id(), false)).isTrue();
        assertThat(store.findByUsername("alice").orElseThrow().enabled()).isFalse();
        assertThat(store.setEnabled(alice.id(), true)).isTrue();
        assertThat(store.findById(alice.id())).contains(alice);
    }

    @Test
    @DisplayName("enabling and disabling: enabling an unknown user reports false")
    void enablingUnknown() {
        assertThat(store.setEnabled(UUID.randomUUID().toString(), true)).isFalse();
    }

    @Test
    @DisplayName("roles: setRoles replaces the roles and keeps the hash and the enabled flag")
    void setsRoles() {
        UserRecord alice = created("alice");
        store.setEnabled(alice.id(), false);
        assertThat(store.setRoles(alice.id(), Set.of("admin", "auditor"))).isTrue();
        UserRecord after = store.findByUsername("alice").orElseThrow();
        assertThat(after.roles()).containsExactlyInAnyOrder("admin", "auditor");
        assertThat(after.passwordHash()).isEqualTo(alice.passwordHash());
        assertThat(after.enabled()).isFalse();
        assertThat(store.setRoles(alice.id(), Set.of())).isTrue();
        assertThat(store.findById(alice.id()).orElseThrow().roles()).isEmpty();
    }

    @Test
    @DisplayName("roles: setting the roles of an unknown user reports false and creates nobody")
    void setsRolesUnknown() {
        String id = UUID.randomUUID().toString();
        assertThat(store.setRoles(id, Set.of("admin"))).isFalse();
        assertThat(store.findById(id)).isEmpty();
    }

    @Test
    @DisplayName("listing: pages come in ascending username order, each user exactly once, each page at most the limit")
    void listsInPages() {
        List<UserRecord> all = new ArrayList<>();
        for (int i = 24; i >= 0; i--) {
            // Created out of order; zero-padded digits sort alike under every collation.
            all.add(created(String.format(Locale.ROOT, "u%03d", i)));
        }
        List<String> seen = new ArrayList<>();
        Optional<String> after = Optional.empty();
        for (int pages = 0; pages < 10; pages++) {
            List<UserRecord> page = store.list(after, 7);
            assertThat(page.size()).isLessThanOrEqualTo(7);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(u -> seen.add(u.username()));
            after = Optional.of(page.get(page.size() - 1).username());
        }
        List<String> expected = all.stream().map(UserRecord::username).sorted().toList();
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(store.list(Optional.empty(), 3)).extracting(UserRecord::username).containsExactly("u000", "u001", "u002");
    }

    @Test
    @DisplayName("listing: a page holds whole records, and the cursor is exclusive and normalised")
    void listsRecords() {
        UserRecord bob = created("bob");
        UserRecord carol = created("carol");
        created("alice");
        assertThat(store.list(Optional.of("  ALICE "), 1)).containsExactly(bob);
        assertThat(store.list(Optional.of("bob"), 10)).containsExactly(carol);
        assertThat(store.list(Optional.of("carol"), 10)).isEmpty();
    }

    @Test
    @DisplayName("listing: a limit below 1 or above MAX_PAGE is refused")
    void listLimits() {
        assertThatThrownBy(() -> store.list(Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(Optional.empty(), UserStore.MAX_PAGE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.list(Optional.empty(), UserStore.MAX_PAGE)).isNotNull();
    }

    @Test
    @DisplayName("deleting: a deleted user is found neither by id nor by username, is not listed, and its username is free again")
    void deletes() {
        UserRecord alice = created("alice");
        UserRecord bob = created("bob");
        assertThat(store.delete(alice.id())).isTrue();
        assertThat(store.findById(alice.id())).isEmpty();
        assertThat(store.findByUsername("alice")).isEmpty();
        assertThat(store.list(Optional.empty(), 10)).containsExactly(bob);
        assertThat(store.setEnabled(alice.id(), true)).isFalse();
        UserRecord again = user("Alice");
        assertThat(store.create(again)).isTrue();
        assertThat(store.findByUsername("alice")).contains(again);
        assertThat(store.findById(bob.id())).contains(bob);
    }

    @Test
    @DisplayName("deleting: deleting an unknown or already deleted user reports false")
    void deletesUnknown() {
        UserRecord alice = created("alice");
        assertThat(store.delete(UUID.randomUUID().toString())).isFalse();
        assertThat(store.delete(alice.id())).isTrue();
        assertThat(store.delete(alice.id())).isFalse();
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent deletes of one user exactly one reports true, every round")
    void oneDelete() {
        for (int round = 1; round <= ROUNDS; round++) {
            UserRecord dave = created("dave-" + round);
            List<Boolean> results = race(THREADS, i -> () -> store.delete(dave.id()));
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            assertThat(store.findByUsername(dave.username())).isEmpty();
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent hash changes from the same expected hash exactly one wins, every round")
    void oneHashChange() {
        for (int round = 1; round <= ROUNDS; round++) {
            UserRecord alice = created("alice-" + round);
            String r = "r" + round + "n";
            List<Boolean> results = race(THREADS,
                    i -> () -> store.updatePasswordHash(alice.id(), alice.passwordHash(), phc(r + i)));
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            String winner = phc(r + results.indexOf(true));
            assertThat(store.findById(alice.id()).orElseThrow().passwordHash()).isEqualTo(winner);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent creations of one username exactly one succeeds, every round")
    void oneCreation() {
        for (int round = 1; round <= ROUNDS; round++) {
            String name = "bob-" + round;
            List<UserRecord> users = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                users.add(user(i % 2 == 0 ? name : name.toUpperCase(Locale.ROOT)));
            }
            List<Boolean> results = race(THREADS, i -> () -> store.create(users.get(i)));
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            UserRecord winner = users.get(results.indexOf(true));
            assertThat(store.findByUsername(name)).contains(winner);
        }
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent creations of one id exactly one succeeds, every round")
    void oneCreationPerId() {
        for (int round = 1; round <= ROUNDS; round++) {
            String id = UUID.randomUUID().toString();
            List<UserRecord> users = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                users.add(new UserRecord(id, "carol-" + round + "-" + i, phc("c" + i), Set.of(), true));
            }
            List<Boolean> results = race(THREADS, i -> () -> store.create(users.get(i)));
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            assertThat(store.findById(id)).contains(users.get(results.indexOf(true)));
        }
    }

    @Test
    @DisplayName("answers and secrets: no method answers null on an empty store")
    void noNulls() {
        assertThat(store.findById("nobody")).isNotNull().isEmpty();
        assertThat(store.findByUsername("nobody")).isNotNull().isEmpty();
        assertThat(store.list(Optional.empty(), 10)).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("answers and secrets: toString does not print a password hash")
    void toStringHidesHashes() {
        UserRecord alice = created("alice");
        assertThat(store.toString()).doesNotContain(alice.passwordHash());
    }

    @Test
    @DisplayName("optional: durability: a created user comes back field for field after a restart")
    void survivesRestart() {
        UserRecord alice = new UserRecord(UUID.randomUUID().toString(), "alice", phc("d1"), Set.of("admin", "user"), true);
        assertThat(store.create(alice)).isTrue();
        UserStore again = reopened();
        assertThat(again.findByUsername("ALICE")).contains(alice);
        assertThat(again.findById(alice.id())).contains(alice);
        assertThat(again.create(user("alice"))).as("the username is still taken").isFalse();
    }

    @Test
    @DisplayName("optional: durability: a changed hash and a disabled flag survive a restart")
    void changesSurviveRestart() {
        UserRecord alice = created("alice");
        assertThat(store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("changed"))).isTrue();
        assertThat(store.setEnabled(alice.id(), false)).isTrue();
        UserStore again = reopened();
        UserRecord back = again.findById(alice.id()).orElseThrow();
        assertThat(back.passwordHash()).isEqualTo(phc("changed"));
        assertThat(back.enabled()).isFalse();
        assertThat(back.roles()).isEqualTo(alice.roles());
    }

    @Test
    @DisplayName("optional: durability: changed roles and a deletion survive a restart")
    void rolesAndDeletionSurviveRestart() {
        UserRecord alice = created("alice");
        UserRecord bob = created("bob");
        assertThat(store.setRoles(alice.id(), Set.of("admin"))).isTrue();
        assertThat(store.delete(bob.id())).isTrue();
        UserStore again = reopened();
        assertThat(again.findById(alice.id()).orElseThrow().roles()).containsExactly("admin");
        assertThat(again.findById(bob.id())).isEmpty();
        assertThat(again.findByUsername("bob")).isEmpty();
        assertThat(again.list(Optional.empty(), 10)).extracting(UserRecord::username).containsExactly("alice");
    }

    @Test
    @DisplayName("optional: failing closed: every method throws StoreUnavailableException when the backend is gone")
    void everyMethod() {
        UserRecord alice = created("alice");
        cutOff();
        Map<String, StoreCall> calls = new LinkedHashMap<>();
        calls.put("findById", () -> store.findById(alice.id()));
        calls.put("findByUsername", () -> store.findByUsername("alice"));
        calls.put("create", () -> store.create(user("bob")));
        calls.put("updatePasswordHash", () -> store.updatePasswordHash(alice.id(), alice.passwordHash(), phc("x")));
        calls.put("setEnabled", () -> store.setEnabled(alice.id(), false));
        calls.put("setRoles", () -> store.setRoles(alice.id(), Set.of("admin")));
        calls.put("list", () -> store.list(Optional.empty(), 10));
        calls.put("delete", () -> store.delete(alice.id()));
        assertEveryMethodFailsClosed(calls);
    }
}

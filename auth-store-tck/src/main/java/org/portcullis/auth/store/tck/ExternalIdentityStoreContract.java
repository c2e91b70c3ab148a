package org.portcullis.auth.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.ExternalIdentityStore;

/**
 * The behaviour every {@link ExternalIdentityStore} must show. Extend it and override
 * {@link #createStore}; see {@link StoreContract} for the optional capabilities.
 *
 * <pre>{@code
 * class MyExternalIdentityStoreTest extends ExternalIdentityStoreContract {
 *     @Override
 *     protected ExternalIdentityStore createStore(MutableClock clock) {
 *         return new MyExternalIdentityStore(dataSource);
 *     }
 * }
 * }</pre>
 */
@DisplayName("ExternalIdentityStore contract")
public abstract class ExternalIdentityStoreContract extends StoreContract<ExternalIdentityStore> {

    private ExternalIdentity linked(String provider, String subject, String userId) {
        ExternalIdentity link = new ExternalIdentity(provider, subject, userId, clock.instant());
        assertThat(store.link(link)).isTrue();
        return link;
    }

    private static String user() {
        return UUID.randomUUID().toString();
    }

    @Test
    @DisplayName("linking and finding: a link is found by its provider and subject, field for field")
    void found() {
        ExternalIdentity link = linked("google", "1098765", user());
        assertThat(store.find("google", "1098765")).contains(link);
    }

    @Test
    @DisplayName("linking and finding: the same subject at another provider is another identity")
    void subjectIsPerProvider() {
        String alice = user();
        String mallory = user();
        linked("google", "42", alice);
        assertThat(store.find("corp", "42")).isEmpty();
        linked("corp", "42", mallory);
        assertThat(store.find("google", "42").orElseThrow().userId()).isEqualTo(alice);
        assertThat(store.find("corp", "42").orElseThrow().userId()).isEqualTo(mallory);
    }

    @Test
    @DisplayName("linking and finding: subjects and provider ids are compared exactly, case included")
    void caseSensitive() {
        linked("google", "AbC", user());
        assertThat(store.find("google", "abc")).isEmpty();
        assertThat(store.find("Google", "AbC")).isEmpty();
    }

    @Test
    @DisplayName("linking and finding: a linked identity is refused for a second user, and the first link is kept")
    void takenIdentity() {
        String alice = user();
        ExternalIdentity first = linked("google", "s-1", alice);
        assertThat(store.link(new ExternalIdentity("google", "s-1", user(), clock.instant()))).isFalse();
        assertThat(store.link(new ExternalIdentity("google", "s-1", alice, clock.instant()))).isFalse();
        assertThat(store.find("google", "s-1")).contains(first);
    }

    @Test
    @DisplayName("linking and finding: a user's links are listed oldest first, and only theirs")
    void byUser() {
        String alice = user();
        ExternalIdentity a = linked("google", "g-alice", alice);
        clock.advance(Duration.ofMillis(7));
        linked("google", "g-bob", user());
        clock.advance(Duration.ofMillis(7));
        ExternalIdentity b = linked("corp", "c-alice", alice);
        assertThat(store.findByUser(alice)).containsExactly(a, b);
        assertThat(store.findByUser(user())).isEmpty();
    }

    @Test
    @DisplayName("unlinking: an unlinked identity is gone from both lookups and can be linked again")
    void unlinks() {
        String alice = user();
        linked("google", "s-2", alice);
        ExternalIdentity keep = linked("corp", "s-2", alice);
        assertThat(store.unlink("google", "s-2")).isTrue();
        assertThat(store.find("google", "s-2")).isEmpty();
        assertThat(store.findByUser(alice)).containsExactly(keep);
        String bob = user();
        linked("google", "s-2", bob);
        assertThat(store.find("google", "s-2").orElseThrow().userId()).isEqualTo(bob);
    }

    @Test
    @DisplayName("unlinking: unlinking an identity that is not linked reports false")
    void unlinkUnknown() {
        assertThat(store.unlink("google", "nobody")).isFalse();
    }

    @Test
    @DisplayName("unlinking: a conditional unlink removes the link only while it names the expected user")
    void unlinkIfUser() {
        String alice = user();
        String bob = user();
        ExternalIdentity ofBob = linked("google", "c-1", bob);
        assertThat(store.unlink("google", "c-1", alice)).isFalse();
        assertThat(store.find("google", "c-1")).contains(ofBob);
        assertThat(store.findByUser(bob)).containsExactly(ofBob);
        assertThat(store.unlink("google", "c-1", bob)).isTrue();
        assertThat(store.find("google", "c-1")).isEmpty();
        assertThat(store.findByUser(bob)).isEmpty();
        assertThat(store.unlink("google", "c-1", bob)).isFalse();
    }

    @Test
    @DisplayName("linking and finding: a subject of the longest allowed length round-trips")
    void longestSubject() {
        String subject = "s".repeat(ExternalIdentity.MAX_LENGTH);
        ExternalIdentity link = linked("p".repeat(ExternalIdentity.MAX_LENGTH), subject, user());
        assertThat(store.find(link.provider(), subject)).contains(link);
    }

    @Test
    @DisplayName("under concurrency (real threads): of concurrent links of one identity to different users exactly one wins, every round")
    void oneLink() {
        for (int round = 1; round <= ROUNDS; round++) {
            String subject = "race-" + round;
            List<String> users = java.util.stream.IntStream.range(0, THREADS).mapToObj(i -> user()).toList();
            List<Boolean> results = race(THREADS,
                    i -> () -> store.link(new ExternalIdentity("google", subject, users.get(i), clock.instant())));
            assertThat(results).as("round %d", round).filteredOn(Boolean::booleanValue).hasSize(1);
            String winner = users.get(results.indexOf(true));
            assertThat(store.find("google", subject).orElseThrow().userId()).isEqualTo(winner);
            for (String u : users) {
                assertThat(store.findByUser(u)).as("links of %s", u).hasSize(u.equals(winner) ? 1 : 0);
            }
        }
    }

    @Test
    @DisplayName("answers: no method answers null on an empty store")
    void noNulls() {
        assertThat(store.find("google", "nobody")).isNotNull().isEmpty();
        assertThat(store.findByUser("nobody")).isNotNull().isEmpty();
    }

    @Test
    @DisplayName("optional: durability: links come back field for field after a restart, and stay taken")
    void survivesRestart() {
        String alice = user();
        ExternalIdentity a = linked("google", "d-1", alice);
        ExternalIdentity b = linked("corp", "d-2", alice);
        ExternalIdentityStore again = reopened();
        assertThat(again.find("google", "d-1")).contains(a);
        assertThat(again.findByUser(alice)).containsExactlyInAnyOrder(a, b);
        assertThat(again.link(new ExternalIdentity("google", "d-1", user(), clock.instant()))).isFalse();
    }

    @Test
    @DisplayName("optional: durability: an unlink survives a restart")
    void unlinkSurvivesRestart() {
        linked("google", "d-3", user());
        assertThat(store.unlink("google", "d-3")).isTrue();
        assertThat(reopened().find("google", "d-3")).isEmpty();
    }

    @Test
    @DisplayName("optional: failing closed: every method throws StoreUnavailableException when the backend is gone")
    void everyMethod() {
        String alice = user();
        linked("google", "f-1", alice);
        cutOff();
        Map<String, StoreCall> calls = new LinkedHashMap<>();
        calls.put("find", () -> store.find("google", "f-1"));
        calls.put("findByUser", () -> store.findByUser(alice));
        calls.put("link", () -> store.link(new ExternalIdentity("google", "f-2", alice, clock.instant())));
        calls.put("unlink", () -> store.unlink("google", "f-1"));
        calls.put("unlinkIfUser", () -> store.unlink("google", "f-1", alice));
        assertEveryMethodFailsClosed(calls);
    }
}

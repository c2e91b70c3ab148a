package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuditQuery;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.RefreshTokenMatch.State;
import org.portcullis.auth.api.RotationResult;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.SessionStore;

/**
 * A rotation called inside a transaction the caller holds ({@code JdbcStores.transactions()})
 * joins it, and is undone with it. The recorded rotation on PostgreSQL goes further: a refusal
 * (the new hash is taken) leaves the caller's transaction usable, so the SPI's "nothing is stored
 * then" must hold even when the caller handles the refusal and goes on to commit.
 */
@DisplayName("a rotation inside the caller's transaction")
class RotationInCallersTransactionTest {

    private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");
    private static final Instant NOW = T0.plus(Duration.ofMinutes(1));
    private static final Instant IDLE = NOW.plus(Duration.ofHours(4));

    /** Each database with the plain rotation, and PostgreSQL with the recorded one too (H2 declines it). */
    static Stream<Arguments> ways() {
        return Stream.of(Arguments.of(Backend.Kind.H2_MEMORY, false), Arguments.of(Backend.Kind.POSTGRESQL, false),
                Arguments.of(Backend.Kind.POSTGRESQL, true));
    }

    private static Session session(String id, String userId) {
        return Session.start(id, userId, "name-" + userId, Set.of("user"), T0, T0.plus(Duration.ofHours(4)),
                T0.plus(Duration.ofDays(3)), ClientInfo.ofIp("192.0.2.1"));
    }

    private static AuditEvent refreshed(String sessionId) {
        return AuditEvent.builder(AuditEventType.TOKEN_REFRESHED, NOW).client(ClientInfo.ofIp("192.0.2.1"))
                .user("u-1", "name-u-1").session(sessionId).reason("generation=1").build();
    }

    private static RotationResult rotate(Backend b, boolean recorded, String expected, String next, AuditEvent event) {
        SessionStore store = b.jdbc.stores().sessions();
        if (!recorded) {
            return store.rotate("s-1", expected, next, NOW, IDLE);
        }
        Optional<RotationResult> result = store.rotateAndRecord("s-1", expected, next, NOW, IDLE, b.jdbc.auditLog(), event);
        assertThat(result).as("PostgreSQL records with the rotation").isPresent();
        return result.orElseThrow();
    }

    @Test
    @DisplayName("recorded on PostgreSQL and refused for a taken hash, leaves nothing of itself, and the caller's transaction goes on")
    void refusedLeavesNothing() {
        try (Backend b = Backend.of(Backend.Kind.POSTGRESQL, 4)) {
            SessionStore store = b.jdbc.stores().sessions();
            store.create(session("s-1", "u-1"), "h0");
            store.create(session("s-2", "u-2"), "theirs");
            AuditEvent won = refreshed("s-1");

            RotationResult second = b.jdbc.transactions().inTransaction(() -> {
                assertThatThrownBy(() -> rotate(b, true, "h0", "theirs", refreshed("s-1")))
                        .isInstanceOf(IllegalArgumentException.class);
                // The caller handles the refusal (a new token) and goes on in the same transaction.
                return rotate(b, true, "h0", "h1", won);
            });

            assertThat(second).isEqualTo(RotationResult.ROTATED);
            assertThat(store.findByRefreshTokenHash("h1").orElseThrow().state()).isEqualTo(State.CURRENT);
            assertThat(store.findByRefreshTokenHash("h0").orElseThrow().state()).isEqualTo(State.PREVIOUS);
            assertThat(store.find("s-1").orElseThrow().refreshCount()).isEqualTo(1);
            assertThat(store.findByRefreshTokenHash("theirs").orElseThrow().session().id()).isEqualTo("s-2");
            assertThat(store.findByRefreshTokenHash("theirs").orElseThrow().state()).isEqualTo(State.CURRENT);
            assertThat(b.jdbc.auditLog().query(AuditQuery.all().forUser("u-1")).events())
                    .containsExactly(won);
        }
    }

    @ParameterizedTest(name = "on {0}, recorded: {1}")
    @MethodSource("ways")
    @DisplayName("that won is undone, event and all, when the caller rolls back")
    void undoneWithTheCaller(Backend.Kind kind, boolean recorded) {
        try (Backend b = Backend.of(kind, 4)) {
            SessionStore store = b.jdbc.stores().sessions();
            store.create(session("s-1", "u-1"), "h0");

            assertThatThrownBy(() -> b.jdbc.transactions().inTransaction(() -> {
                assertThat(rotate(b, recorded, "h0", "h1", refreshed("s-1"))).isEqualTo(RotationResult.ROTATED);
                throw new IllegalStateException("the caller fails after the rotation");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(store.findByRefreshTokenHash("h0").orElseThrow().state()).isEqualTo(State.CURRENT);
            assertThat(store.findByRefreshTokenHash("h1")).isEmpty();
            assertThat(store.find("s-1").orElseThrow().refreshCount()).isZero();
            assertThat(b.jdbc.auditLog().query(AuditQuery.all().forUser("u-1")).events()).isEmpty();
        }
    }
}

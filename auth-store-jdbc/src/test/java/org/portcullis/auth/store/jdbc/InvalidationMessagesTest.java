package org.portcullis.auth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.InvalidationFeed;

@DisplayName("the messages on the invalidation channel")
class InvalidationMessagesTest {

    /** Spells each delivered call the way the payload would. */
    static final class Spelled implements InvalidationFeed.Listener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void sessionRevoked(String sessionId) {
            calls.add("session " + sessionId);
        }

        @Override
        public void userChanged(String userId) {
            calls.add("user " + userId);
        }

        @Override
        public void signingKeysChanged() {
            calls.add("keys");
        }

        @Override
        public void invalidateAll() {
            calls.add("all");
        }
    }

    @Test
    @DisplayName("each kind of message reaches the listener method of its kind, ids intact (colons included)")
    void roundTrip() {
        Spelled l = new Spelled();
        InvalidationMessages.deliver(InvalidationMessages.session("s-1:x"), l);
        InvalidationMessages.deliver(InvalidationMessages.user("u:7"), l);
        InvalidationMessages.deliver(InvalidationMessages.KEYS, l);
        InvalidationMessages.deliver(InvalidationMessages.ALL, l);
        assertThat(l.calls).containsExactly("session s-1:x", "user u:7", "keys", "all");
    }

    @Test
    @DisplayName("an id too long for PostgreSQL's payload limit is sent as 'forget everything' instead of failing the write")
    void oversizedId() {
        String fits = "é".repeat((InvalidationMessages.MAX_PAYLOAD_BYTES - 2) / 2);
        String tooLong = fits + "é";
        assertThat(InvalidationMessages.user(fits)).isEqualTo("u:" + fits);
        assertThat(InvalidationMessages.user(tooLong)).isEqualTo(InvalidationMessages.ALL);
        assertThat(InvalidationMessages.session(tooLong)).isEqualTo(InvalidationMessages.ALL);
    }

    @Test
    @DisplayName("a message this version does not know is taken as 'forget everything'")
    void unknownMessage() {
        Spelled l = new Spelled();
        InvalidationMessages.deliver("x:something-newer", l);
        InvalidationMessages.deliver("", l);
        assertThat(l.calls).containsExactly("all", "all");
    }
}

package org.portcullis.auth.store.jdbc;

import java.nio.charset.StandardCharsets;

import org.portcullis.auth.api.InvalidationFeed;

/**
 * The one definition of what travels on the PostgreSQL channel: a kind letter, then an id.
 * {@code s:<session id>}, {@code u:<user id>}, {@code k} (the signing keys changed) and
 * {@code *} (forget everything). Only identifiers, never a token, a hash or a secret.
 */
final class InvalidationMessages {

    /** The {@code LISTEN}/{@code NOTIFY} channel, one per database. */
    static final String CHANNEL = "portcullis_invalidation";

    /**
     * PostgreSQL refuses a payload of 8000 bytes or more (and with it the whole transaction); an
     * id too long to fit is sent as "forget everything" rather than fail the revocation.
     */
    static final int MAX_PAYLOAD_BYTES = 7999;

    static final String KEYS = "k";
    static final String ALL = "*";

    private InvalidationMessages() {
    }

    static String session(String sessionId) {
        return fitted("s:" + sessionId);
    }

    static String user(String userId) {
        return fitted("u:" + userId);
    }

    private static String fitted(String payload) {
        return payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES ? ALL : payload;
    }

    /** Hands one message to {@code listener}; anything unknown counts as "forget everything". */
    static void deliver(String payload, InvalidationFeed.Listener listener) {
        if (payload.startsWith("s:")) {
            listener.sessionRevoked(payload.substring(2));
        } else if (payload.startsWith("u:")) {
            listener.userChanged(payload.substring(2));
        } else if (payload.equals(KEYS)) {
            listener.signingKeysChanged();
        } else {
            listener.invalidateAll();
        }
    }
}

package org.portcullis.auth.api;

import java.util.Objects;

/**
 * An optional capability of a store shared by several nodes: it tells every node, as soon as
 * they commit, about the writes that make what a node has cached wrong — a session revoked, a
 * user's sessions revoked or the user disabled, a signing key changed. The engine subscribes
 * once and evicts the matching entries of its caches, so a revocation made on one node takes
 * effect on the others within the feed's delivery time instead of within
 * {@link AuthSettings#sessionStatusTtl()}.
 *
 * <p>The feed is an optimisation, never the only guarantee: the engine keeps every cache bound
 * by its staleness setting whether or not a feed is present, so a lost message costs at most
 * that bound. A feed that may have lost messages (its connection dropped, its queue
 * overflowed) must say so with {@link Listener#invalidateAll()} once it delivers again.
 *
 * <p>Messages carry identifiers only, never a token, a hash or a secret. A feed delivers the
 * writes of every node, this node's own included; the engine treats a message as "read this
 * again from the store", so a duplicate or a message about its own write costs one store read.
 *
 * <p>A single-process store (in memory, an H2 file) has nothing to tell and uses {@link #NONE}.
 * Implementations must be thread-safe; listeners are called on the feed's own thread, one
 * message at a time, and must return quickly.
 */
public interface InvalidationFeed {

    /** No feed: the engine relies on its staleness bounds alone (one node, or a store without push). */
    InvalidationFeed NONE = listener -> {
        Objects.requireNonNull(listener, "listener");
        return () -> { };
    };

    /**
     * Starts delivering messages to {@code listener} until the returned subscription is closed.
     * A feed that connects somewhere calls {@link Listener#invalidateAll()} once it is listening
     * (and after every reconnection), since writes made before that moment were not delivered.
     * Does not block on the network: a feed that cannot connect yet keeps trying in the background.
     *
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    Subscription subscribe(Listener listener);

    /** Ends a {@link #subscribe subscription}. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        /** Stops delivery to this subscription's listener; idempotent; does not throw. */
        @Override
        void close();
    }

    /**
     * What the engine does with a message: evict, so that the next use reads the store again.
     * Called on the feed's thread; implementations must be thread-safe, must not block on I/O and
     * must not throw (a feed logs and ignores what a listener throws).
     */
    interface Listener {

        /** Session {@code sessionId} was revoked (logout, revoke, refresh-token reuse). */
        void sessionRevoked(String sessionId);

        /**
         * Something about user {@code userId} changed that may end their sessions: all of them
         * were revoked, the account was disabled or enabled. Sent instead of one message per session
         * (a revoke-all of many sessions would not fit one message).
         */
        void userChanged(String userId);

        /** The signing keys changed (published, retired, revoked or deleted): reload them. */
        void signingKeysChanged();

        /**
         * Messages may have been lost (the feed just connected or reconnected, or a message was
         * too large to send): forget every cached entry that a lost message could have evicted.
         */
        void invalidateAll();
    }
}

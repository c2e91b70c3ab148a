package org.portcullis.auth.client;

import java.util.Optional;

/**
 * Where an {@link AuthClient} keeps its {@link Tokens}. The default, {@link #inMemory()}, keeps them
 * in this process only; an application that must survive a restart (a desktop app, a batch job
 * that resumes) implements this interface over its own storage, ideally encrypted at rest.
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: the client reads with {@link #get()}
 * from any thread without locking, so a {@code get} must see the latest completed {@code set} or
 * {@code clear} (for example through a {@code volatile} field or an atomic reference). The client
 * serialises its own writes, so an implementation need not guard {@code set} against itself; a
 * holder shared by several processes should write atomically (write a file, then rename it).
 *
 * <p>The client re-reads the holder when the server answers a refresh with {@code REFRESH_CONFLICT}:
 * if another process sharing the holder has stored newer tokens in the meantime, they are used.
 *
 * <p>Exceptions thrown by an implementation propagate to the caller of the client method that
 * needed the tokens.
 */
public interface TokenHolder {

    /** The tokens held, if any. */
    Optional<Tokens> get();

    /** Replaces the tokens held. Never called with {@code null}. */
    void set(Tokens tokens);

    /** Forgets the tokens (after logout, or when the session is gone). */
    void clear();

    /**
     * The device token of this client's last successful login, if one is kept. It outlives the
     * session: {@link #clear()} does not forget it, so that the next login presents it and the
     * server treats this client as a known device of the account (whose logins failures elsewhere
     * never throttle). The default keeps none; a holder that persists tokens should persist this too.
     */
    default Optional<String> deviceToken() {
        return Optional.empty();
    }

    /** Keeps the device token a login answered with. Never called with {@code null}. The default drops it. */
    default void setDeviceToken(String deviceToken) {
    }

    /** A new holder that keeps tokens in memory only; thread-safe. */
    static TokenHolder inMemory() {
        return new InMemoryTokenHolder();
    }
}

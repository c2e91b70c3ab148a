package org.portcullis.auth.client;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The default {@link TokenHolder}: one atomic reference. */
final class InMemoryTokenHolder implements TokenHolder {

    private final AtomicReference<Tokens> tokens = new AtomicReference<>();

    @Override
    public Optional<Tokens> get() {
        return Optional.ofNullable(tokens.get());
    }

    @Override
    public void set(Tokens tokens) {
        this.tokens.set(Objects.requireNonNull(tokens, "tokens"));
    }

    @Override
    public void clear() {
        tokens.set(null);
    }

    @Override
    public String toString() {
        Tokens held = tokens.get();
        return "InMemoryTokenHolder[" + (held == null ? "empty" : "sessionId=" + held.sessionId()) + "]";
    }
}

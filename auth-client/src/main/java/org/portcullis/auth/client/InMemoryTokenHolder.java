package org.portcullis.auth.client;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The default {@link TokenHolder}: an atomic reference for the tokens, another for the device token. */
final class InMemoryTokenHolder implements TokenHolder {

    private final AtomicReference<Tokens> tokens = new AtomicReference<>();
    /** Survives {@link #clear()}: the device stays known after a logout. */
    private final AtomicReference<String> deviceToken = new AtomicReference<>();

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
    public Optional<String> deviceToken() {
        return Optional.ofNullable(deviceToken.get());
    }

    @Override
    public void setDeviceToken(String deviceToken) {
        this.deviceToken.set(Objects.requireNonNull(deviceToken, "deviceToken"));
    }

    @Override
    public String toString() {
        Tokens held = tokens.get();
        return "InMemoryTokenHolder[" + (held == null ? "empty" : "sessionId=" + held.sessionId()) + "]";
    }
}

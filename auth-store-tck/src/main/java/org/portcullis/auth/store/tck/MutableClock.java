package org.portcullis.auth.store.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand instead of sleeping. It starts at a fixed instant
 * ({@link #DEFAULT_START} unless told otherwise) and only changes when {@link #advance} or
 * {@link #setInstant} is called.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.start();
 * clock.advance(Duration.ofMinutes(21));   // the access token is now expired
 * }</pre>
 *
 * <p>Thread-safe: the instant is held in an atomic reference, so concurrent readers see either
 * the old or the new instant, and concurrent advances all take effect. A clock made with
 * {@link #withZone} shares the instant with this one.
 */
public final class MutableClock extends Clock {

    /** Where {@link #start()} begins: a whole second, so that stores of any precision keep it exactly. */
    public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock at {@link #DEFAULT_START}, in UTC. */
    public static MutableClock start() {
        return startingAt(DEFAULT_START);
    }

    /** A clock at {@code instant}, in UTC. */
    public static MutableClock startingAt(Instant instant) {
        return new MutableClock(new AtomicReference<>(Objects.requireNonNull(instant, "instant")), ZoneOffset.UTC);
    }

    /**
     * Moves the clock forward (or back, for a negative amount).
     *
     * @return the new instant
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        return now.updateAndGet(t -> t.plus(amount));
    }

    /** Sets the clock to {@code instant}. */
    public void setInstant(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public MutableClock withZone(ZoneId zone) {
        return new MutableClock(now, Objects.requireNonNull(zone, "zone"));
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + ", " + zone + "]";
    }
}

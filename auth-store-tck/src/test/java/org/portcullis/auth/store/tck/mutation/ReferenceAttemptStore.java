package org.portcullis.auth.store.tck.mutation;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.portcullis.auth.api.AttemptState;
import org.portcullis.auth.api.AttemptStore;
import org.portcullis.auth.api.StoreUnavailableException;

/** An obviously right {@link AttemptStore}: one map, every method synchronized on its {@link Disk}. */
final class ReferenceAttemptStore implements AttemptStore {

    /** What survives a restart, and the switch that takes the backend away. */
    static final class Disk {
        final Map<String, AttemptState> counters = new HashMap<>();
        volatile boolean down;
    }

    final Disk disk;

    ReferenceAttemptStore(Disk disk) {
        this.disk = disk;
    }

    private void up() {
        if (disk.down) {
            throw new StoreUnavailableException("the reference store's backend is gone");
        }
    }

    @Override
    public AttemptState recordFailure(String key, Instant now, Duration window) {
        synchronized (disk) {
            up();
            AttemptState next = counted(disk.counters.get(key), key, now, window);
            disk.counters.put(key, next);
            return next;
        }
    }

    /** The state after one more failure, given the state before (or null). */
    static AttemptState counted(AttemptState before, String key, Instant now, Duration window) {
        if (before == null || !before.isOpenAt(now)) {
            return new AttemptState(key, 1, now, now.plus(window), now);
        }
        return new AttemptState(key, before.failures() + 1, before.windowStart(), before.windowEnd(), now);
    }

    @Override
    public Optional<AttemptState> find(String key, Instant now) {
        synchronized (disk) {
            up();
            return Optional.ofNullable(disk.counters.get(key)).filter(s -> s.isOpenAt(now));
        }
    }

    @Override
    public void reset(String key) {
        synchronized (disk) {
            up();
            disk.counters.remove(key);
        }
    }

    @Override
    public int purge(Instant now, int limit) {
        synchronized (disk) {
            up();
            List<String> closed = disk.counters.values().stream().filter(s -> !s.isOpenAt(now))
                    .map(AttemptState::key).limit(limit).toList();
            closed.forEach(disk.counters::remove);
            return closed.size();
        }
    }

    // ---- unchecked primitives for the broken stores ----

    Optional<AttemptState> read(String key) {
        synchronized (disk) {
            up();
            return Optional.ofNullable(disk.counters.get(key));
        }
    }

    List<AttemptState> readAll() {
        synchronized (disk) {
            up();
            return List.copyOf(disk.counters.values());
        }
    }

    void write(AttemptState state) {
        synchronized (disk) {
            up();
            disk.counters.put(state.key(), state);
        }
    }

    void delete(String key) {
        synchronized (disk) {
            up();
            disk.counters.remove(key);
        }
    }

    @Override
    public String toString() {
        return "ReferenceAttemptStore";
    }
}

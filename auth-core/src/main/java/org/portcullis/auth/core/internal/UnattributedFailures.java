package org.portcullis.auth.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.ClientInfo;

/**
 * Failures that no account vouches for (a garbage token, an unknown refresh token, a malformed or
 * throttled login) are summarised per source and window instead of written one row each, so that
 * unauthenticated traffic cannot grow the audit trail without bound, nor push genuine events out
 * of a capped log (OWASP ASVS V7.1: log what matters, protect the log's availability).
 *
 * <p>Per (event type, source, kind of reason: the reason up to its first {@code =}) and {@link #WINDOW}: the first event is recorded as it is;
 * the rest are only counted, and when the window has closed one summary event (same type, same
 * source, reason {@code aggregated;count=N;<reason>}) records how many were folded into it. At
 * most {@link #MAX_KEYS} keys are open at once; past that, failures are folded per event type
 * into one key whose source is {@code *}. So a window adds at most {@code 2 × (MAX_KEYS + types)}
 * rows whatever arrives, and one source adds at most two per window and reason.
 *
 * <p>Summaries are written when the next failure of the same key arrives after the window, when
 * {@link #flush} runs (the cleanup job calls it), and on close; a crash loses at most the counts of
 * the open windows, never a first event. Thread-safe.
 */
public final class UnattributedFailures {

    /** How long failures of one key are folded into one summary. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** Most keys open at once; beyond, failures fold into one key per event type. */
    public static final int MAX_KEYS = 1024;

    private final AuditSink sink;
    private final Clock clock;
    private final ConcurrentHashMap<String, Tally> open = new ConcurrentHashMap<>();

    /** The first event of a window and how many more came after it. */
    private static final class Tally {
        final AuditEvent first;
        final Instant ends;
        long more;

        Tally(AuditEvent first, Instant ends) {
            this.first = first;
            this.ends = ends;
        }
    }

    public UnattributedFailures(AuditSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /** Records {@code event} or counts it into its key's open window. */
    public void record(AuditEvent event) {
        Instant now = clock.instant();
        String source = event.clientIp().isEmpty() ? "" : SourceKeys.of(event.clientIp());
        // The reason up to its first '=' names the kind of failure; what follows varies (a delay).
        int eq = event.reason().indexOf('=');
        String kind = eq < 0 ? event.reason() : event.reason().substring(0, eq);
        String key = event.type() + "|" + source + "|" + kind;
        if (!open.containsKey(key) && open.size() >= MAX_KEYS) {
            key = event.type() + "|*|overflow";
        }
        List<AuditEvent> toWrite = new ArrayList<>(2);
        open.compute(key, (k, t) -> {
            if (t != null && now.isBefore(t.ends)) {
                t.more++;
                return t;
            }
            if (t != null && t.more > 0) {
                toWrite.add(summary(t, t.ends));
            }
            toWrite.add(event);
            return new Tally(event, now.plus(WINDOW));
        });
        // Outside the map's lock: a slow sink must not block other keys.
        toWrite.forEach(sink::record);
    }

    /** Writes the summaries of every window that has closed by now, and forgets those windows. */
    public void flush() {
        flush(clock.instant());
    }

    /** Writes the summaries of every open window, closed or not (on shutdown). */
    public void flushAll() {
        flush(Instant.MAX);
    }

    private void flush(Instant now) {
        for (Map.Entry<String, Tally> e : open.entrySet()) {
            if (!now.isBefore(e.getValue().ends)) {
                Tally[] removed = new Tally[1];
                open.computeIfPresent(e.getKey(), (k, t) -> {
                    if (now.isBefore(t.ends)) {
                        return t;
                    }
                    removed[0] = t;
                    return null;
                });
                if (removed[0] != null && removed[0].more > 0) {
                    Instant at = clock.instant();
                    sink.record(summary(removed[0], removed[0].ends.isBefore(at) ? removed[0].ends : at));
                }
            }
        }
    }

    /** The folded events, at the end of their window; it names no user, since they need not share one. */
    private static AuditEvent summary(Tally t, Instant at) {
        AuditEvent f = t.first;
        return AuditEvent.builder(f.type(), at).outcome(f.outcome()).client(new ClientInfo(f.clientIp(), ""))
                .reason("aggregated;count=" + t.more + ";" + f.reason()).build();
    }
}

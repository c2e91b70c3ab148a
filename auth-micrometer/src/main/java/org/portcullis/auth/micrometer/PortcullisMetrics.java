package org.portcullis.auth.micrometer;

import java.util.Objects;

import io.micrometer.core.instrument.MeterRegistry;

import org.portcullis.auth.api.AuditLog;
import org.portcullis.auth.api.AuditSink;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Stores;

/**
 * Micrometer metrics for Portcullis, in two decorators that need nothing from the engine but its
 * public SPIs:
 *
 * <ul>
 *   <li>{@link #instrument(Stores, MeterRegistry)} (or {@link #instrument(AuditSink, MeterRegistry)})
 *       counts what the audit trail records: every login, refresh, reuse detection, revocation and
 *       stuffing detection passes through the {@link AuditSink}. Wrap the stores <em>before</em>
 *       building the service.</li>
 *   <li>{@link #instrument(AuthService, MeterRegistry)} times {@code login} and {@code refresh}, and
 *       registers the token cache's gauges and the first-sight validation timer from
 *       {@link org.portcullis.auth.core.Portcullis#validationStats}. Repeat validations pass straight
 *       through: the decorator adds no work to the hot path.</li>
 * </ul>
 *
 * <pre>{@code
 * Stores stores = PortcullisMetrics.instrument(JdbcStores.create(dataSource, clock), registry);
 * AuthService auth = PortcullisMetrics.instrument(Portcullis.builder().stores(stores).build(), registry);
 * }</pre>
 *
 * <h2>Meters</h2>
 * Names follow Micrometer's conventions (dot-separated, lower case; each registry renders them in
 * its own style, e.g. {@code portcullis_logins_total} in Prometheus). Tags are low-cardinality
 * only: an outcome, an error code, a short reason code from a closed vocabulary, never a username,
 * a user id, an address, a session id or a token.
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@value #LOGINS}</td><td>counter</td><td>{@code result} = succeeded | failed | throttled;
 *     {@code reason} = the failure's reason code, {@code none} otherwise</td></tr>
 * <tr><td>{@value #REFRESHES}</td><td>counter</td><td>{@code result} = succeeded | failed; {@code reason}</td></tr>
 * <tr><td>{@value #REUSE}</td><td>counter</td><td>none: refresh-token reuse detected (RFC 9700 §4.14), session revoked</td></tr>
 * <tr><td>{@value #REVOCATIONS}</td><td>counter</td><td>{@code cause} = logout | revoked | revoked_all | limit_evicted | reuse:
 *     sessions ended before their time</td></tr>
 * <tr><td>{@value #STUFFING}</td><td>counter</td><td>none: credential stuffing suspected</td></tr>
 * <tr><td>{@value #LOGIN_TIMER}</td><td>timer</td><td>{@code outcome} = success | failure; {@code code} = the
 *     {@link org.portcullis.auth.api.ErrorCode} or {@code none}</td></tr>
 * <tr><td>{@value #REFRESH_TIMER}</td><td>timer</td><td>{@code outcome}; {@code code}</td></tr>
 * <tr><td>{@value #FIRST_SIGHT_TIMER}</td><td>function timer</td><td>none: validations that verified a signature</td></tr>
 * <tr><td>{@value #REPEATS}</td><td>function counter</td><td>none: validations answered from the token cache</td></tr>
 * <tr><td>{@value #CACHE_SIZE}</td><td>gauge</td><td>none: tokens in this node's cache</td></tr>
 * <tr><td>{@value #CACHE_HIT_RATIO}</td><td>gauge</td><td>none: repeats ÷ all validations; NaN before the first</td></tr>
 * </table>
 *
 * <p>The counters count what was audited; an operation whose store transaction rolled back after
 * its event was recorded is still counted (a store failure, which the logs show).
 *
 * <p>Thread-safe: the decorators hold no state beyond their meters.
 */
public final class PortcullisMetrics {

    /** Login attempts by result (counter). */
    public static final String LOGINS = "portcullis.logins";
    /** Refresh attempts by result (counter). */
    public static final String REFRESHES = "portcullis.refreshes";
    /** Refresh-token reuse detections (counter). */
    public static final String REUSE = "portcullis.refresh.reuse";
    /** Sessions ended before their time, by cause (counter). */
    public static final String REVOCATIONS = "portcullis.sessions.revoked";
    /** Credential stuffing detections (counter). */
    public static final String STUFFING = "portcullis.stuffing.suspected";
    /** Duration of {@code AuthService.login} (timer). */
    public static final String LOGIN_TIMER = "portcullis.login";
    /** Duration of {@code AuthService.refresh} (timer). */
    public static final String REFRESH_TIMER = "portcullis.refresh";
    /** Duration of validations that verified a signature (function timer). */
    public static final String FIRST_SIGHT_TIMER = "portcullis.validation.first.sight";
    /** Validations answered from the token cache (function counter). */
    public static final String REPEATS = "portcullis.validation.repeats";
    /** Tokens in this node's verified-token cache (gauge). */
    public static final String CACHE_SIZE = "portcullis.token.cache.size";
    /** Share of validations answered from the cache (gauge). */
    public static final String CACHE_HIT_RATIO = "portcullis.token.cache.hit.ratio";

    private PortcullisMetrics() {
    }

    /**
     * The same stores with an audit sink that counts every event it passes on. The sink stays an
     * {@link AuditLog} if it was one, so audit queries and retention keep working. The session
     * store is wrapped only so that it still recognises its own audit log behind the counting
     * sink (see {@link org.portcullis.auth.api.SessionStore#rotateAndRecord}): a recorded write
     * reaches it with the sink underneath and is counted once it returns, every other call
     * reaches it unchanged.
     */
    public static Stores instrument(Stores stores, MeterRegistry registry) {
        Objects.requireNonNull(stores, "stores");
        MeteredAuditSink audit = (MeteredAuditSink) instrument(stores.audit(), registry);
        return new Stores(stores.users(), new MeteredSessionStore(stores.sessions(), audit), stores.attempts(),
                stores.signingKeys(), audit, stores.transactions(), stores.invalidations());
    }

    /**
     * An audit sink that counts each event, then passes it on unchanged. An {@link AuditLog} comes
     * back as an {@link AuditLog}. Counting happens after the delegate accepted the event, so an
     * event the delegate refused (store down) is not counted.
     */
    public static AuditSink instrument(AuditSink sink, MeterRegistry registry) {
        Objects.requireNonNull(sink, "sink");
        AuditCounters counters = new AuditCounters(Objects.requireNonNull(registry, "registry"));
        return sink instanceof AuditLog log ? new MeteredAuditLog(log, counters) : new MeteredAuditSink(sink, counters);
    }

    /**
     * A service that times {@code login} and {@code refresh} and delegates everything else as is;
     * when {@code service} was built by {@link org.portcullis.auth.core.Portcullis}, also registers
     * the validation meters (first-sight timer, repeat counter, cache size and hit ratio).
     */
    public static AuthService instrument(AuthService service, MeterRegistry registry) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(registry, "registry");
        ValidationMeters.register(service, registry);
        return new TimedAuthService(service, registry);
    }
}

package org.portcullis.auth.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.portcullis.auth.api.InvalidationFeed;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL {@link InvalidationFeed}: one thread holding one connection that is
 * {@code LISTEN}ing on {@link InvalidationMessages#CHANNEL}, reading notifications through the
 * driver's {@link PGConnection#getNotifications(int)} and handing each to every subscriber. The
 * writes that announce themselves do so in their own transaction ({@link Db#announce}), so a
 * message arrives only after its write committed.
 *
 * <p><b>Lost messages.</b> PostgreSQL queues notifications only for sessions that are listening:
 * whatever was announced while this thread had no connection is gone. So after every
 * (re)connection, once {@code LISTEN} is in place, each subscriber hears
 * {@link InvalidationFeed.Listener#invalidateAll()} and forgets what a lost message might have
 * evicted. That is cheap (one store read per session in use, which the staleness bound costs
 * every {@code sessionStatusTtl} anyway) and ends the window at once, where waiting for the bound
 * would leave revoked tokens usable for up to {@code sessionStatusTtl} after every blip. While
 * disconnected, the staleness bounds alone hold. The thread retries with a growing pause
 * ({@link #MIN_RETRY} doubling to {@link #MAX_RETRY}); a dropped connection is noticed when the
 * driver's read fails, a silently dead one by a validity check every {@link #HEARTBEAT}.
 *
 * <p>The thread starts with the first subscription and ends when the last one closes; its
 * connection comes from the stores' {@code DataSource} and is held for as long (size a pool one
 * larger). Thread-safe.
 */
final class PostgresInvalidationFeed implements InvalidationFeed {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresInvalidationFeed.class);

    /** The {@code application_name} of the listening session, as {@code pg_stat_activity} shows it. */
    static final String APPLICATION_NAME = "portcullis_invalidation_feed";
    /** How long one read waits for a notification; bounds how long closing the last subscription takes. */
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final Duration MIN_RETRY = Duration.ofMillis(100);
    static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    /** The running thread, or null; guarded by {@code lock}. */
    private Worker worker;

    private PostgresInvalidationFeed(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The feed on {@code dataSource}, or {@link InvalidationFeed#NONE} when the PostgreSQL JDBC
     * driver (org.postgresql) is not on the class path.
     */
    static InvalidationFeed create(DataSource dataSource) {
        try {
            Class.forName("org.postgresql.PGConnection", false, PostgresInvalidationFeed.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            LOG.warn("the PostgreSQL JDBC driver (org.postgresql) is not on the class path: revocations reach other "
                    + "nodes within sessionStatusTtl, not at once");
            return InvalidationFeed.NONE;
        }
        return new PostgresInvalidationFeed(dataSource);
    }

    @Override
    public Subscription subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            if (worker == null) {
                worker = new Worker();
                worker.start();
            } else if (worker.listening) {
                // Already listening, but this listener heard nothing of what came before it.
                safely(listener, Listener::invalidateAll);
            }
        }
        return () -> unsubscribe(listener);
    }

    private void unsubscribe(Listener listener) {
        Worker stopping = null;
        synchronized (lock) {
            if (listeners.remove(listener) && listeners.isEmpty() && worker != null) {
                stopping = worker;
                worker = null;
                stopping.finish();
            }
        }
        if (stopping != null && stopping != Thread.currentThread()) {
            try {
                // The read in progress ends within POLL; after that the connection is back in its pool.
                stopping.join(POLL.multipliedBy(4).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the feed is listening now; for tests and health reports. */
    boolean listening() {
        synchronized (lock) {
            return worker != null && worker.listening;
        }
    }

    private void dispatch(String payload) {
        for (Listener l : listeners) {
            safely(l, x -> InvalidationMessages.deliver(payload, x));
        }
    }

    private void dispatchAll(Consumer<Listener> message) {
        for (Listener l : listeners) {
            safely(l, message);
        }
    }

    private static void safely(Listener l, Consumer<Listener> message) {
        try {
            message.accept(l);
        } catch (RuntimeException e) {
            // One faulty listener must not starve the others, nor end the feed.
            LOG.error("an invalidation listener failed: {}", e.toString());
        }
    }

    /** The listening thread; one per running feed. */
    private final class Worker extends Thread {

        private volatile boolean running = true;
        private volatile boolean listening;
        /** Whether the last attempt failed; read and written by this thread only. */
        private boolean failing;

        Worker() {
            super("portcullis-invalidation-feed");
            setDaemon(true);
        }

        void finish() {
            running = false;
            synchronized (this) {
                notifyAll();
            }
        }

        @Override
        public void run() {
            long retryMillis = MIN_RETRY.toMillis();
            while (running) {
                try {
                    listen();
                    retryMillis = MIN_RETRY.toMillis();
                    failing = false;
                } catch (SQLException | RuntimeException e) {
                    if (running) {
                        // Class and SQLState only: the driver's message is not ours to print. Once per
                        // outage at WARN; the retries after it at DEBUG, so a long outage does not flood the log.
                        String cause = e.getClass().getName()
                                + (e instanceof SQLException s && s.getSQLState() != null ? ", SQLState " + s.getSQLState() : "");
                        if (listening || !failing) {
                            LOG.warn("invalidation feed disconnected ({}); revocations from other nodes fall back to "
                                    + "sessionStatusTtl until it reconnects", cause);
                        } else {
                            LOG.debug("invalidation feed still cannot connect ({})", cause);
                        }
                        failing = true;
                    }
                } finally {
                    listening = false;
                }
                if (running) {
                    pause(retryMillis);
                    retryMillis = Math.min(retryMillis * 2, MAX_RETRY.toMillis());
                }
            }
        }

        /** One connection's life: LISTEN, tell everyone to forget, then read until it fails or the feed stops. */
        private void listen() throws SQLException {
            try (Connection c = dataSource.getConnection()) {
                if (!c.isWrapperFor(PGConnection.class)) {
                    LOG.error("the DataSource does not hand out PostgreSQL JDBC (org.postgresql) connections: "
                            + "no invalidation feed; revocations reach other nodes within sessionStatusTtl");
                    running = false;
                    return;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    // Named, so that operators (and the tests) can tell this session apart in pg_stat_activity.
                    s.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    s.execute("LISTEN " + InvalidationMessages.CHANNEL);
                }
                listening = true;
                if (failing) {
                    LOG.info("invalidation feed reconnected; this node forgets what it cached");
                }
                // Whatever was announced before LISTEN took effect never reaches us.
                dispatchAll(Listener::invalidateAll);
                // nanoTime measures elapsed time between heartbeats; it is not a reading of the wall clock.
                long lastCheck = System.nanoTime();
                int pollMillis = (int) POLL.toMillis();
                while (running) {
                    PGNotification[] received = pg.getNotifications(pollMillis);
                    if (received != null) {
                        for (PGNotification n : received) {
                            if (InvalidationMessages.CHANNEL.equals(n.getName())) {
                                dispatch(n.getParameter());
                            }
                        }
                    }
                    if (System.nanoTime() - lastCheck > HEARTBEAT.toNanos()) {
                        if (!c.isValid((int) Math.max(1, HEARTBEAT.toSeconds() / 2))) {
                            throw new SQLException("the listening connection stopped answering", "08006");
                        }
                        lastCheck = System.nanoTime();
                    }
                }
                // Back to a pool: stop listening first, or the pooled connection would collect notifications.
                try (Statement s = c.createStatement()) {
                    s.execute("UNLISTEN *");
                    s.execute("RESET application_name");
                }
            }
        }

        private synchronized void pause(long millis) {
            if (running) {
                try {
                    wait(millis);
                } catch (InterruptedException e) {
                    running = false;
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresInvalidationFeed[" + InvalidationMessages.CHANNEL + "]";
    }
}

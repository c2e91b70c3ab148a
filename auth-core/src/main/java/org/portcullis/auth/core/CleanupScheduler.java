package org.portcullis.auth.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When the cleanup job runs. The engine hands its job to {@link #schedule} once, at build time,
 * when the job is enabled (see {@link Portcullis.Builder#startCleanupJob}); an application with a
 * scheduler of its own (Quartz, a Kubernetes CronJob calling {@code AuthService.purgeExpired()},
 * a test that runs the job by hand) plugs it in here instead of the default daemon thread.
 *
 * <p>The job never throws: a failed run (store down) is logged and the next run tries again. The
 * job is safe to run concurrently with itself and with {@code purgeExpired()}.
 *
 * <p>Implementations must be thread-safe; {@link Scheduled#cancel()} may be called from any thread.
 */
@FunctionalInterface
public interface CleanupScheduler {

    /**
     * Starts running {@code job} about every {@code interval}, the first run about one interval
     * from now, until the returned handle is cancelled. {@code AuthService.close()} cancels it.
     *
     * @param interval the settings' {@code cleanup.interval}, above zero
     * @param job      one cleanup pass
     * @return the handle that stops further runs
     */
    Scheduled schedule(Duration interval, Runnable job);

    /** A started schedule. */
    @FunctionalInterface
    interface Scheduled {
        /** Stops further runs; a run under way may finish. Idempotent. */
        void cancel();
    }

    /**
     * The default: a daemon thread of its own per schedule, named {@code portcullis-cleanup},
     * running the job with a fixed delay between the end of one run and the start of the next.
     */
    static CleanupScheduler daemonThread() {
        return (interval, job) -> {
            ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "portcullis-cleanup");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1, interval.toMillis());
            exec.scheduleWithFixedDelay(job, every, every, TimeUnit.MILLISECONDS);
            return exec::shutdownNow;
        };
    }
}

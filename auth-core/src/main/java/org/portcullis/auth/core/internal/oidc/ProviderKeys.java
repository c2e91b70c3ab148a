package org.portcullis.auth.core.internal.oidc;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.core.OpenIdProvider;

/**
 * One provider's signing keys: the discovery document is read once (its {@code issuer} must be
 * the configured one, OpenID Connect Discovery §4.3), then the JWKS it names is served by
 * nimbus' {@link JWKSourceBuilder}: cached for {@link OpenIdProvider#keyCacheLifetime()}, fetched
 * again for an unknown {@code kid} at most once per {@link OpenIdProvider#keyRefreshInterval()}
 * (its rate limiter admits the first fetch and one more per interval), each fetch with the
 * provider's timeout and size limit. Only the JWKS is trusted for keys: header parameters
 * {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are never looked at (RFC 8725 §3.10).
 *
 * <p>A failed discovery is not retried before {@link #DISCOVERY_BACKOFF} has passed on the
 * injected clock, so a provider that is down is not hammered by every login. The JWKS cache's own
 * timing is nimbus', on the system clock.
 *
 * <p>Each fetch (discovery or JWKS) has one overall deadline of {@link OpenIdProvider#httpTimeout()}
 * from its start, not only a connect and a per-read timeout: a provider that drips a byte just
 * inside each read timeout would otherwise hold the caller for as long as the size limit lasts.
 * At the deadline the connection is closed under the reading thread, which then fails.
 *
 * <p>Thread-safe: discovery happens once under a lock that a login waits for at most
 * {@link #DISCOVERY_LOCK_WAIT}; one that cannot have it answers {@link StoreUnavailableException}
 * (503) instead of parking a worker thread behind a slow provider. The JWK source is thread-safe.
 */
final class ProviderKeys {

    /** Time between two discovery attempts after a failed one. */
    static final Duration DISCOVERY_BACKOFF = Duration.ofSeconds(5);

    /** Longest wait for the discovery lock while another thread is discovering. */
    static final Duration DISCOVERY_LOCK_WAIT = Duration.ofMillis(200);

    /** Closes connections that ran past their deadline; one daemon thread for every provider. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "portcullis-oidc-fetch-deadline");
        t.setDaemon(true);
        return t;
    });

    private final ReentrantLock discovery = new ReentrantLock();

    private final OpenIdProvider provider;
    private final Clock clock;
    private final DeadlineRetriever retriever;
    private volatile JWKSource<SecurityContext> source;
    private Instant nextDiscovery = Instant.MIN;

    ProviderKeys(OpenIdProvider provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
        int timeout = (int) provider.httpTimeout().toMillis();
        this.retriever = new DeadlineRetriever(timeout, provider.maxDocumentBytes(), provider.httpTimeout());
    }

    /**
     * The provider's keys that may have signed a token with this header: matching its {@code kid}
     * (when present) and its algorithm's key type. Empty when the provider has no such key, also
     * when a refresh for it was already spent in this interval.
     *
     * @throws StoreUnavailableException when the discovery document or the JWKS cannot be had
     *         (down, slow, too large, not JSON): nothing can be verified, so nothing is authenticated
     */
    List<java.security.Key> candidates(JWSHeader header) {
        JWKSource<SecurityContext> keys = source();
        JWSVerificationKeySelector<SecurityContext> selector = new JWSVerificationKeySelector<>(header.getAlgorithm(), keys);
        try {
            return selector.selectJWSKeys(header, null);
        } catch (RateLimitReachedException e) {
            // No fetch allowed now. With keys in the cache, the fetch was the refresh for an unknown
            // kid, already spent in this interval: the kid is unknown. With none (the provider has
            // been failing), there is nothing to verify with: unavailable, not "unknown key".
            if (hasCachedKeys(keys)) {
                return List.of();
            }
            throw unavailable(e);
        } catch (KeySourceException e) {
            throw unavailable(e);
        }
    }

    /** Whether the cache holds any key; asks the source for any key, which fetches only when the cache is empty. */
    private static boolean hasCachedKeys(JWKSource<SecurityContext> keys) {
        try {
            return !keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null).isEmpty();
        } catch (KeySourceException e) {
            return false;
        }
    }

    private StoreUnavailableException unavailable(Exception cause) {
        return new StoreUnavailableException("the keys of identity provider " + provider.id() + " are unavailable", cause);
    }

    private JWKSource<SecurityContext> source() {
        JWKSource<SecurityContext> s = source;
        if (s != null) {
            return s;
        }
        boolean locked;
        try {
            locked = discovery.tryLock(DISCOVERY_LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted waiting for identity provider " + provider.id(), e);
        }
        if (!locked) {
            throw new StoreUnavailableException("identity provider " + provider.id() + " discovery is in progress");
        }
        try {
            if (source != null) {
                return source;
            }
            Instant now = clock.instant();
            if (now.isBefore(nextDiscovery)) {
                throw new StoreUnavailableException("identity provider " + provider.id() + " discovery failed recently");
            }
            try {
                URL jwks = provider.jwksUrl().isPresent() ? provider.jwksUrl().get().toURL() : discover();
                source = JWKSourceBuilder.<SecurityContext>create(jwks, retriever)
                        .cache(provider.keyCacheLifetime().toMillis(), provider.httpTimeout().toMillis())
                        .rateLimited(provider.keyRefreshInterval().toMillis())
                        .refreshAheadCache(false)
                        .retrying(false)
                        .outageTolerant(false)
                        .build();
                return source;
            } catch (IOException | ParseException | RuntimeException e) {
                nextDiscovery = now.plus(DISCOVERY_BACKOFF);
                throw new StoreUnavailableException("identity provider " + provider.id() + " discovery failed", e);
            }
        } finally {
            discovery.unlock();
        }
    }

    /**
     * nimbus' retriever (timeouts, size limit) with one deadline for the whole fetch: a timer closes
     * the connection when the deadline passes, which ends a read blocked on it.
     */
    static final class DeadlineRetriever extends DefaultResourceRetriever {
        private final Duration deadline;
        /** Connections being read, by reading thread, for the timer thread to close. */
        private final java.util.Map<Thread, HttpURLConnection> connections = new java.util.HashMap<>();

        DeadlineRetriever(int timeoutMillis, int maxBytes, Duration deadline) {
            super(timeoutMillis, timeoutMillis, maxBytes);
            this.deadline = deadline;
        }

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            AtomicBoolean expired = new AtomicBoolean();
            Thread caller = Thread.currentThread();
            ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
                expired.set(true);
                HttpURLConnection c = connectionOf(caller);
                if (c != null) {
                    c.disconnect();
                }
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
            try {
                Resource r = super.retrieveResource(url);
                if (expired.get()) {
                    throw new IOException("fetch exceeded its deadline");
                }
                return r;
            } catch (IOException | RuntimeException e) {
                if (expired.get()) {
                    throw new IOException("fetch exceeded its deadline of " + deadline.toMillis() + " ms", e);
                }
                throw e;
            } finally {
                timer.cancel(false);
                synchronized (connections) {
                    connections.remove(caller);
                }
            }
        }

        private HttpURLConnection connectionOf(Thread caller) {
            synchronized (connections) {
                return connections.get(caller);
            }
        }

        @Override
        protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
            HttpURLConnection c = super.openHTTPConnection(url);
            synchronized (connections) {
                connections.put(Thread.currentThread(), c);
            }
            return c;
        }
    }

    private URL discover() throws IOException, ParseException {
        Resource doc = retriever.retrieveResource(provider.discoveryUrl().toURL());
        Map<String, Object> json = JSONObjectUtils.parse(doc.getContent());
        // OpenID Connect Discovery §4.3: the document's issuer must be exactly the one we expect.
        if (!provider.issuer().equals(JSONObjectUtils.getString(json, "issuer"))) {
            throw new IOException("discovery document names another issuer");
        }
        String jwksUri = JSONObjectUtils.getString(json, "jwks_uri");
        if (jwksUri == null) {
            throw new IOException("discovery document has no jwks_uri");
        }
        URI uri = URI.create(jwksUri);
        if (!FetchPolicy.secureOrLoopback(uri)) {
            throw new IOException("jwks_uri is not https");
        }
        return uri.toURL();
    }
}

package org.portcullis.auth.micrometer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.Credential;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.RevocationReason;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.TokenPair;

/**
 * Times {@code login} and {@code refresh}; every other call, {@code validate} above all, goes
 * straight to the delegate. The timers' tags are the outcome and the {@link ErrorCode}: both
 * closed sets. Thread-safe if the delegate is.
 */
final class TimedAuthService implements AuthService {

    private final AuthService delegate;
    private final MeterRegistry registry;
    private final Timer loginSuccess;
    private final Timer refreshSuccess;

    TimedAuthService(AuthService delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        this.loginSuccess = timer(PortcullisMetrics.LOGIN_TIMER, "success", "none");
        this.refreshSuccess = timer(PortcullisMetrics.REFRESH_TIMER, "success", "none");
    }

    private Timer timer(String name, String outcome, String code) {
        return Timer.builder(name).tag("outcome", outcome).tag("code", code).register(registry);
    }

    private <T> T timed(String name, Timer success, Supplier<T> call) {
        Timer.Sample sample = Timer.start(registry);
        String code;
        try {
            T result = call.get();
            sample.stop(success);
            return result;
        } catch (AuthException e) {
            code = e.code().name().toLowerCase(Locale.ROOT);
            sample.stop(timer(name, "failure", code));
            throw e;
        } catch (StoreUnavailableException e) {
            code = ErrorCode.STORE_UNAVAILABLE.name().toLowerCase(Locale.ROOT);
            sample.stop(timer(name, "failure", code));
            throw e;
        } catch (RuntimeException e) {
            sample.stop(timer(name, "failure", "internal_error"));
            throw e;
        }
    }

    @Override
    public TokenPair login(Credential credential, ClientInfo client) {
        return timed(PortcullisMetrics.LOGIN_TIMER, loginSuccess, () -> delegate.login(credential, client));
    }

    @Override
    public TokenPair refresh(String accessToken, String refreshToken, ClientInfo client) {
        return timed(PortcullisMetrics.REFRESH_TIMER, refreshSuccess,
                () -> delegate.refresh(accessToken, refreshToken, client));
    }

    @Override
    public AuthPrincipal validate(String accessToken) {
        return delegate.validate(accessToken);
    }

    @Override
    public void logout(AuthPrincipal caller, ClientInfo client) {
        delegate.logout(caller, client);
    }

    @Override
    public int logoutAll(AuthPrincipal caller, ClientInfo client) {
        return delegate.logoutAll(caller, client);
    }

    @Override
    public int logoutOthers(AuthPrincipal caller, ClientInfo client) {
        return delegate.logoutOthers(caller, client);
    }

    @Override
    public void revokeSession(AuthPrincipal caller, String sessionId, ClientInfo client) {
        delegate.revokeSession(caller, sessionId, client);
    }

    @Override
    public int revokeAllSessions(String userId, RevocationReason reason) {
        return delegate.revokeAllSessions(userId, reason);
    }

    @Override
    public boolean disableUser(String userId, ClientInfo actor) {
        return delegate.disableUser(userId, actor);
    }

    @Override
    public boolean enableUser(String userId, ClientInfo actor) {
        return delegate.enableUser(userId, actor);
    }

    @Override
    public void changePassword(AuthPrincipal caller, String currentPassword, String newPassword, ClientInfo client) {
        delegate.changePassword(caller, currentPassword, newPassword, client);
    }

    @Override
    public boolean setPassword(String userId, String newPassword, ClientInfo actor) {
        return delegate.setPassword(userId, newPassword, actor);
    }

    @Override
    public boolean setRoles(String userId, Set<String> roles, ClientInfo actor) {
        return delegate.setRoles(userId, roles, actor);
    }

    @Override
    public boolean deleteUser(String userId, ClientInfo actor) {
        return delegate.deleteUser(userId, actor);
    }

    @Override
    public List<Session> sessions(String userId) {
        return delegate.sessions(userId);
    }

    @Override
    public int purgeExpired() {
        return delegate.purgeExpired();
    }

    @Override
    public String rotateSigningKey(Duration publishLead) {
        return delegate.rotateSigningKey(publishLead);
    }

    @Override
    public void checkHealth() {
        delegate.checkHealth();
    }

    @Override
    public AuthSettings settings() {
        return delegate.settings();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

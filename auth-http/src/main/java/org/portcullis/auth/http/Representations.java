package org.portcullis.auth.http;

import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.http.internal.Problems;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The JSON shapes of the 7G answers, as maps and lists for {@code Json.write}. Stateless. */
final class Representations {

    private Representations() {
    }

    static Map<String, Object> tokenResponse(TokenPair pair) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessToken", pair.accessToken());
        m.put("refreshToken", pair.refreshToken());
        m.put("tokenType", pair.tokenType());
        m.put("expiresIn", pair.expiresIn().getSeconds());
        m.put("expiresAt", pair.expiresAt());
        m.put("refreshExpiresAt", pair.refreshExpiresAt());
        m.put("sessionId", pair.sessionId());
        pair.deviceToken().ifPresent(d -> m.put("deviceToken", d));
        return m;
    }

    static Map<String, Object> me(AuthPrincipal caller) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", caller.userId());
        m.put("username", caller.username());
        m.put("roles", new TreeSet<>(caller.roles()));
        m.put("sessionId", caller.sessionId());
        return m;
    }

    static List<Map<String, Object>> sessions(Collection<Session> sessions, String currentSessionId) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Session s : sessions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessionId", s.id());
            m.put("createdAt", s.createdAt());
            m.put("lastRefreshedAt", s.lastRefreshedAt());
            m.put("expiresAt", s.expiresAt());
            m.put("idleExpiresAt", s.idleExpiresAt());
            m.put("absoluteExpiresAt", s.absoluteExpiresAt());
            m.put("clientIp", s.client().ip());
            m.put("userAgent", s.client().userAgent());
            m.put("refreshCount", s.refreshCount());
            m.put("current", s.id().equals(currentSessionId));
            list.add(m);
        }
        return list;
    }

    /** The limits of this handler that {@code /common/lookup} publishes. */
    record Limits(Duration refreshMargin, int maxBodyBytes, int maxHeaderBytes) {
    }

    static Map<String, Object> lookup(AuthSettings s, Limits limits, Collection<String> anonymousPaths) {
        List<Map<String, Object>> codes = new ArrayList<>();
        for (ErrorCode c : ErrorCode.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", c.name());
            m.put("status", Problems.status(c));
            m.put("description", c.description());
            m.put("retryable", c.retryable());
            codes.add(m);
        }
        Map<String, Object> internal = new LinkedHashMap<>();
        internal.put("code", Problems.INTERNAL_ERROR);
        internal.put("status", 500);
        internal.put("description", "The server failed to process the request.");
        internal.put("retryable", false);
        codes.add(internal);
        List<String> events = new ArrayList<>();
        for (AuditEventType t : AuditEventType.values()) {
            events.add(t.name());
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("tokenType", "Bearer");
        settings.put("accessTokenLifetimeSeconds", s.accessTokenLifetime().getSeconds());
        settings.put("jwtExpireMinutes", s.accessTokenLifetime().toMinutes());
        settings.put("refreshMarginSeconds", limits.refreshMargin().getSeconds());
        settings.put("refreshIdleTimeoutSeconds", s.refreshIdleTimeout().getSeconds());
        settings.put("absoluteSessionLifetimeSeconds", s.absoluteSessionLifetime().getSeconds());
        settings.put("clockSkewSeconds", s.clockSkew().getSeconds());
        settings.put("refreshGraceWindowSeconds", s.refreshGraceWindow().getSeconds());
        settings.put("issuer", s.issuer());
        settings.put("audience", s.audience());
        settings.put("maxUsernameLength", PasswordCredential.MAX_USERNAME_LENGTH);
        settings.put("maxPasswordLength", PasswordCredential.MAX_PASSWORD_LENGTH);
        settings.put("maxAccessTokenBytes", s.maxTokenBytes());
        settings.put("maxRequestBodyBytes", limits.maxBodyBytes());
        settings.put("maxRequestHeaderBytes", limits.maxHeaderBytes());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorCodes", codes);
        m.put("auditEventTypes", events);
        m.put("settings", settings);
        m.put("anonymousPaths", new TreeSet<>(anonymousPaths));
        return m;
    }
}

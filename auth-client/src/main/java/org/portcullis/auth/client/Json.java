package org.portcullis.auth.client;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes the JSON shapes of the 7G User resource with jackson-jr (maps and lists only,
 * no reflection). Parsing is lenient about members it does not know and strict about the ones it
 * needs: a missing or mistyped member is an {@link AuthClientException#UNEXPECTED_RESPONSE}.
 *
 * <p>A parser's own message is never passed on, not even as a cause: it quotes the input, and the
 * input of a token response holds tokens.
 */
final class Json {

    private Json() {
    }

    /** Serialises a flat map of strings; jackson-jr does the escaping. */
    static String write(Map<String, ?> members) {
        try {
            return JSON.std.asString(members);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a JSON request body", e);
        }
    }

    /** Parses a JSON object, or fails with {@code UNEXPECTED_RESPONSE} naming {@code what}. */
    static Map<String, Object> object(String body, String what) {
        Object value = any(body, what);
        if (value instanceof Map<?, ?> map) {
            return asStringKeyed(map);
        }
        throw unexpected(what + ": expected a JSON object");
    }

    /** Parses any JSON value, or fails with {@code UNEXPECTED_RESPONSE} naming {@code what}. */
    static Object any(String body, String what) {
        if (body == null || body.isBlank()) {
            throw unexpected(what + ": empty body");
        }
        try {
            return JSON.std.anyFrom(body);
        } catch (IOException | RuntimeException e) {
            throw unexpected(what + ": not valid JSON");
        }
    }

    /**
     * A token response: {@code {"accessToken","refreshToken","tokenType":"Bearer","expiresIn",
     * "expiresAt","refreshExpiresAt","sessionId"}}.
     *
     * @param sentAt when the client sent the request, on its own clock: the access token cannot have
     *               been issued before it, so {@code sentAt + expiresIn} is never later than the true
     *               expiry, whatever the difference between the two clocks
     */
    static Tokens tokens(String body, Instant sentAt) {
        Map<String, Object> m = object(body, "token response");
        String tokenType = optionalText(m, "tokenType").orElse("Bearer");
        if (!tokenType.equalsIgnoreCase("Bearer")) {
            // RFC 6750 is the only scheme this client can present.
            throw unexpected("token response: unsupported tokenType " + clip(tokenType));
        }
        String access = text(m, "accessToken", "token response");
        String refresh = text(m, "refreshToken", "token response");
        String sessionId = text(m, "sessionId", "token response");
        Optional<Instant> serverExpiresAt = optionalInstant(m, "expiresAt", "token response");
        Duration lifetime;
        Optional<Long> expiresIn = optionalLong(m, "expiresIn", "token response");
        if (expiresIn.isPresent()) {
            if (expiresIn.get() <= 0) {
                throw unexpected("token response: expiresIn must be positive");
            }
            lifetime = Duration.ofSeconds(expiresIn.get());
        } else if (serverExpiresAt.isPresent() && serverExpiresAt.get().isAfter(sentAt)) {
            lifetime = Duration.between(sentAt, serverExpiresAt.get());
        } else {
            throw unexpected("token response: missing expiresIn");
        }
        return new Tokens(access, refresh, sessionId, lifetime, sentAt.plus(lifetime),
                optionalInstant(m, "refreshExpiresAt", "token response"));
    }

    /** {@code GET /user/me}: {@code {"userId","username","roles","sessionId"}}. */
    static UserInfo user(String body) {
        Map<String, Object> m = object(body, "user");
        return new UserInfo(text(m, "userId", "user"), text(m, "username", "user"), strings(m.get("roles"), "user"),
                text(m, "sessionId", "user"));
    }

    /**
     * {@code GET /user/sessions}: a JSON array of sessions, or an object whose {@code sessions}
     * member is one. Each session names itself {@code sessionId} (the server's spelling) or {@code id};
     * without {@code expiresAt}, the earlier of {@code idleExpiresAt} and {@code absoluteExpiresAt} is used.
     */
    static List<SessionInfo> sessions(String body) {
        Object value = any(body, "sessions");
        if (value instanceof Map<?, ?> map && map.get("sessions") instanceof List<?> inner) {
            value = inner;
        }
        if (!(value instanceof List<?> list)) {
            throw unexpected("sessions: expected a JSON array");
        }
        List<SessionInfo> sessions = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> map)) {
                throw unexpected("sessions: expected objects in the array");
            }
            Map<String, Object> s = asStringKeyed(map);
            String id = optionalText(s, "id").or(() -> optionalText(s, "sessionId"))
                    .orElseThrow(() -> unexpected("sessions: missing id"));
            Optional<Instant> expiresAt = optionalInstant(s, "expiresAt", "sessions")
                    .or(() -> earliest(optionalInstant(s, "idleExpiresAt", "sessions"),
                            optionalInstant(s, "absoluteExpiresAt", "sessions")));
            sessions.add(new SessionInfo(id, instant(s, "createdAt", "sessions"),
                    optionalInstant(s, "lastRefreshedAt", "sessions"), expiresAt,
                    Boolean.TRUE.equals(s.get("current")),
                    optionalText(s, "clientIp").or(() -> optionalText(s, "ip")).orElse(""),
                    optionalText(s, "userAgent").orElse(""),
                    optionalLong(s, "refreshCount", "sessions").orElse(0L)));
        }
        return List.copyOf(sessions);
    }

    static String text(Map<String, Object> m, String name, String what) {
        return optionalText(m, name).orElseThrow(() -> unexpected(what + ": missing " + name));
    }

    static Optional<String> optionalText(Map<String, Object> m, String name) {
        return m.get(name) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    static Optional<Long> optionalLong(Map<String, Object> m, String name, String what) {
        Object value = m.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Optional.of(n.longValue());
        }
        throw unexpected(what + ": " + name + " is not a whole number");
    }

    static Instant instant(Map<String, Object> m, String name, String what) {
        return optionalInstant(m, name, what).orElseThrow(() -> unexpected(what + ": missing " + name));
    }

    /** ISO-8601 instants: {@code Z} as the contract says, an explicit offset accepted too. */
    static Optional<Instant> optionalInstant(Map<String, Object> m, String name, String what) {
        Object value = m.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s) {
            try {
                return Optional.of(Instant.parse(s));
            } catch (DateTimeParseException notUtc) {
                try {
                    return Optional.of(OffsetDateTime.parse(s).toInstant());
                } catch (DateTimeParseException e) {
                    // fall through to the error below
                }
            }
        }
        throw unexpected(what + ": " + name + " is not an ISO-8601 instant");
    }

    private static Set<String> strings(Object value, String what) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof Collection<?> items)) {
            throw unexpected(what + ": roles is not an array");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object item : items) {
            if (!(item instanceof String s)) {
                throw unexpected(what + ": roles must be strings");
            }
            out.add(s);
        }
        return out;
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asStringKeyed(Map<?, ?> map) {
        // jackson-jr always produces String keys for JSON objects.
        return (Map<String, Object>) map;
    }

    /** Shortens text taken from a response before it goes into a message. */
    static String clip(String s) {
        String oneLine = s.replaceAll("[\\r\\n\\t]", " ");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 120) + "…";
    }

    static AuthClientException unexpected(String message) {
        return new AuthClientException(AuthClientException.UNEXPECTED_RESPONSE, 0, null,
                "Unexpected answer from the server (" + message + ").", null);
    }
}

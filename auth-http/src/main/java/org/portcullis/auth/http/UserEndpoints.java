package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ClientInfo;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.ExternalAssertion;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.http.internal.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What each 7G endpoint does once {@link RouteTable} has picked it and the request was admitted:
 * read the body, call the engine, shape the answer. An {@code AuthException} or a store failure
 * thrown from here is mapped by {@link Failures}. Thread-safe.
 */
final class UserEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(AuthHttpHandler.class);
    private static final int MAX_SESSION_ID_LENGTH = 128;
    /** Provider ids are short names; the engine keeps at most this many characters of one. */
    private static final int MAX_PROVIDER_LENGTH = 255;
    private static final int MAX_NONCE_LENGTH = 512;
    private static final Set<String> LOGIN_MEMBERS =
            Set.of("username", "userName", "password", "deviceToken", "provider", "idToken", "nonce");

    /** One admitted call: the request, the caller ({@code null} on an anonymous endpoint), and the path below a prefix route. */
    record Call(AuthHttpRequest request, AuthPrincipal caller, String tail) {
    }

    private final AuthService service;
    private final JsonBodies bodies;
    private final Function<AuthHttpRequest, ClientInfo> clients;
    private final Representations.Limits limits;
    private final KeyDocuments keyDocuments;
    private final Set<String> anonymousPaths;

    UserEndpoints(AuthService service, JsonBodies bodies, Function<AuthHttpRequest, ClientInfo> clients,
                  Representations.Limits limits, KeyDocuments keyDocuments, Set<String> anonymousPaths) {
        this.service = service;
        this.bodies = bodies;
        this.clients = clients;
        this.limits = limits;
        this.keyDocuments = keyDocuments;
        this.anonymousPaths = Set.copyOf(anonymousPaths);
    }

    AuthHttpResponse login(Call call) {
        JsonBodies.Body body = bodies.read(call.request(), LOGIN_MEMBERS);
        if (body.refusal() != null) {
            return body.refusal();
        }
        Map<String, String> m = body.members();
        if (m.containsKey("provider") || m.containsKey("idToken")) {
            return providerLogin(call, m);
        }
        if (m.containsKey("username") && m.containsKey("userName")) {
            return malformed("Give either 'username' or 'userName', not both.");
        }
        String username = m.containsKey("username") ? m.get("username") : m.get("userName");
        String password = m.get("password");
        if (username == null || username.isEmpty()) {
            return malformed("The member 'username' is required.");
        }
        if (password == null || password.isEmpty()) {
            return malformed("The member 'password' is required.");
        }
        if (username.length() > PasswordCredential.MAX_USERNAME_LENGTH) {
            return malformed("The username is longer than " + PasswordCredential.MAX_USERNAME_LENGTH + " characters.");
        }
        if (username.indexOf('\0') >= 0) {
            // No store can hold it (PostgreSQL refuses a NUL in text): refused here, on every store alike.
            return malformed("The username must not contain the NUL character (U+0000).");
        }
        if (password.length() > PasswordCredential.MAX_PASSWORD_LENGTH) {
            // NIST SP 800-63B §5.1.1.2 asks for at least 64; the cap keeps megabytes away from the hasher.
            return malformed("The password is longer than " + PasswordCredential.MAX_PASSWORD_LENGTH + " characters.");
        }
        // The device token of an earlier login, if the client kept one; the engine ignores one that is
        // malformed, unknown or another account's, so it is passed on as given.
        TokenPair pair = service.login(new PasswordCredential(username, password).withDeviceToken(m.get("deviceToken")),
                clients.apply(call.request()));
        return Responses.json(200, Representations.tokenResponse(pair));
    }

    /** {@code {"provider","idToken","nonce"?}}: an OpenID provider's ID token exchanged for a session. */
    private AuthHttpResponse providerLogin(Call call, Map<String, String> m) {
        if (m.containsKey("username") || m.containsKey("userName") || m.containsKey("password")) {
            return malformed("Give either 'provider' and 'idToken', or 'username' and 'password', not both.");
        }
        String provider = m.get("provider");
        String idToken = m.get("idToken");
        if (provider == null || provider.isEmpty()) {
            return malformed("The member 'provider' is required with 'idToken'.");
        }
        if (idToken == null || idToken.isEmpty()) {
            return malformed("The member 'idToken' is required with 'provider'.");
        }
        if (provider.length() > MAX_PROVIDER_LENGTH) {
            return malformed("The provider is longer than " + MAX_PROVIDER_LENGTH + " characters.");
        }
        String nonce = m.get("nonce");
        if (nonce != null && (nonce.isEmpty() || nonce.length() > MAX_NONCE_LENGTH)) {
            return malformed("The nonce must be 1 to " + MAX_NONCE_LENGTH + " characters.");
        }
        TokenPair pair = service.login(new ExternalAssertion(provider, idToken, Optional.ofNullable(nonce)),
                clients.apply(call.request()));
        return Responses.json(200, Representations.tokenResponse(pair));
    }

    AuthHttpResponse refresh(Call call) {
        BearerToken bearer = BearerToken.from(call.request().headers("Authorization"));
        if (bearer.refusal() != null) {
            return bearer.refusal();
        }
        JsonBodies.Body body = bodies.read(call.request(), Set.of("refreshToken"));
        if (body.refusal() != null) {
            return body.refusal();
        }
        String refreshToken = body.members().get("refreshToken");
        if (refreshToken == null || refreshToken.isEmpty()) {
            return malformed("The member 'refreshToken' is required.");
        }
        TokenPair pair = service.refresh(bearer.token(), refreshToken, clients.apply(call.request()));
        return Responses.json(200, Representations.tokenResponse(pair));
    }

    AuthHttpResponse logout(Call call) {
        service.logout(call.caller(), clients.apply(call.request()));
        return Responses.noContent();
    }

    AuthHttpResponse logoutAll(Call call) {
        service.logoutAll(call.caller(), clients.apply(call.request()));
        return Responses.noContent();
    }

    AuthHttpResponse sessions(Call call) {
        return Responses.json(200, Representations.sessions(service.sessions(call.caller().userId()), call.caller().sessionId()));
    }

    AuthHttpResponse revokeSession(Call call) {
        String id = call.tail();
        if (!isSessionId(id)) {
            return Problems.of(ErrorCode.SESSION_NOT_FOUND);
        }
        service.revokeSession(call.caller(), id, clients.apply(call.request()));
        return Responses.noContent();
    }

    AuthHttpResponse me(Call call) {
        return Responses.json(200, Representations.me(call.caller()));
    }

    AuthHttpResponse lookup(Call call) {
        return Responses.json(200, Representations.lookup(service.settings(), limits, anonymousPaths));
    }

    AuthHttpResponse jwks(Call call) {
        return keyDocuments.jwks(call.request());
    }

    AuthHttpResponse discovery(Call call) {
        return keyDocuments.metadata(call.request());
    }

    AuthHttpResponse health(Call call) {
        try {
            service.checkHealth();
            return Responses.json(200, Map.of("status", "Healthy"));
        } catch (RuntimeException e) {
            LOG.warn("health check failed: {}", e.toString());
            return Responses.json(503, Map.of("status", "Unhealthy"));
        }
    }

    private static AuthHttpResponse malformed(String detail) {
        return Problems.of(400, ErrorCode.MALFORMED_REQUEST, detail);
    }

    private static boolean isSessionId(String id) {
        if (id.isEmpty() || id.length() > MAX_SESSION_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

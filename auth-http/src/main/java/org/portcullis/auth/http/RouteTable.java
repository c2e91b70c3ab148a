package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.internal.Problems;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The 7G endpoints as one declarative table: path (exact, or a prefix with the rest as a
 * parameter), who may call it, and the endpoint per method. {@link AuthHttpHandler#ANONYMOUS_PATHS}
 * and the {@code Allow} header of a 405 both come from it. {@code HEAD} is served wherever
 * {@code GET} is (RFC 9110 §9.3.2). Immutable.
 */
final class RouteTable {

    /** Who may call a route. */
    enum Access {
        /** No token. */
        ANONYMOUS,
        /** A well-formed bearer token that the endpoint verifies itself (refresh: it may be expired). */
        BEARER,
        /** A valid access token. */
        AUTHENTICATED
    }

    /**
     * One row of the table. An opt-in row exists only when the engine's settings publish keys
     * ({@code AuthSettings.Keys#publishJwks}); otherwise its path is unknown, like any other.
     */
    record Route(String path, boolean prefix, Access access, boolean optIn,
                 Map<String, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse>> methods) {

        boolean matches(String requestPath) {
            return prefix ? requestPath.startsWith(path) : requestPath.equals(path);
        }

        String allow() {
            Set<String> allow = new LinkedHashSet<>();
            for (String m : methods.keySet()) {
                allow.add(m);
                if (m.equals("GET")) {
                    allow.add("HEAD");
                }
            }
            return String.join(", ", allow);
        }
    }

    static final String REFRESH = "/user/refreshToken";
    /** RFC 8414 §3 / OpenID Connect Discovery 1.0 §4: the well-known location of the metadata. */
    static final String DISCOVERY = "/.well-known/openid-configuration";
    /** Where the JWK Set is served; named in the metadata's {@code jwks_uri}. */
    static final String JWKS = "/.well-known/jwks.json";

    static final List<Route> ROUTES = List.of(
            exact("/user/login", Access.ANONYMOUS, "POST", UserEndpoints::login),
            exact(REFRESH, Access.BEARER, "POST", UserEndpoints::refresh),
            exact("/user/logout", Access.AUTHENTICATED, "POST", UserEndpoints::logout),
            exact("/user/logoutAll", Access.AUTHENTICATED, "POST", UserEndpoints::logoutAll),
            exact("/user/sessions", Access.AUTHENTICATED, "GET", UserEndpoints::sessions),
            prefix("/user/sessions/", Access.AUTHENTICATED, "DELETE", UserEndpoints::revokeSession),
            exact("/user/me", Access.AUTHENTICATED, "GET", UserEndpoints::me),
            exact("/common/lookup", Access.ANONYMOUS, "GET", UserEndpoints::lookup),
            exact("/common/HealthCheck", Access.ANONYMOUS, "GET", UserEndpoints::health),
            optIn(JWKS, UserEndpoints::jwks),
            optIn(DISCOVERY, UserEndpoints::discovery));

    /** The paths of the anonymous routes that always exist: the contract's fixed anonymous set. */
    static final Set<String> ANONYMOUS_PATHS = anonymousPaths(Set.of());

    private final UserEndpoints endpoints;
    private final Set<String> optedIn;

    /**
     * @param optedIn the paths of the opt-in routes that exist in this table (none, or the JWK Set
     *                and, when its {@code jwks_uri} can be named, the discovery metadata)
     */
    RouteTable(UserEndpoints endpoints, Set<String> optedIn) {
        this.endpoints = endpoints;
        this.optedIn = Set.copyOf(optedIn);
    }

    /** The anonymous paths of a table with the given opt-in routes: the fixed set plus those. */
    static Set<String> anonymousPaths(Set<String> optedIn) {
        return ROUTES.stream().filter(r -> r.access() == Access.ANONYMOUS && !r.prefix()
                        && (!r.optIn() || optedIn.contains(r.path())))
                .map(Route::path).collect(Collectors.toUnmodifiableSet());
    }

    /** The route of a path, if it is one of this table's endpoints (matched exactly, case and all). */
    Route find(String path) {
        for (Route r : ROUTES) {
            if (r.matches(path) && (!r.optIn() || optedIn.contains(r.path()))) {
                return r;
            }
        }
        return null;
    }

    /** Serves an admitted request: the endpoint, or 404 for an unknown path and 405 with {@code Allow} for a wrong method. */
    AuthHttpResponse dispatch(AuthHttpRequest request, AuthPrincipal caller) {
        Route route = find(request.path());
        if (route == null) {
            return Problems.of(404, ErrorCode.MALFORMED_REQUEST, "No endpoint has this path.");
        }
        String method = "HEAD".equals(request.method()) ? "GET" : request.method();
        var endpoint = route.methods().get(method);
        if (endpoint == null) {
            return Problems.methodNotAllowed(route.allow());
        }
        String tail = route.prefix() ? request.path().substring(route.path().length()) : "";
        return endpoint.apply(endpoints, new UserEndpoints.Call(request, caller, tail));
    }

    private static Route exact(String path, Access access, String method,
                               BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse> endpoint) {
        return new Route(path, false, access, false, one(method, endpoint));
    }

    private static Route optIn(String path, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse> endpoint) {
        return new Route(path, false, Access.ANONYMOUS, true, one("GET", endpoint));
    }

    private static Route prefix(String path, Access access, String method,
                                BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse> endpoint) {
        return new Route(path, true, access, false, one(method, endpoint));
    }

    private static Map<String, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse>> one(
            String method, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse> endpoint) {
        Map<String, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse>> m = new LinkedHashMap<>();
        m.put(method, endpoint);
        return Map.copyOf(m);
    }
}

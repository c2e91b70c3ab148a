package org.portcullis.auth.http.servlet;

import com.fasterxml.jackson.jr.ob.JSON;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.store.tck.MutableClock;
import org.portcullis.auth.http.TestUsers;
import org.portcullis.auth.store.memory.InMemoryStores;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The servlet filter and endpoint servlet inside a real embedded Jetty 12")
class PortcullisAuthFilterJettyTest {

    /** An application servlet behind the filter: reports what the container tells it about the caller. */
    static final class WhoAmIServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Object attribute = req.getAttribute(PortcullisAuthFilter.PRINCIPAL_ATTRIBUTE);
            String body = "principal=" + (req.getUserPrincipal() == null ? "none" : req.getUserPrincipal().getName())
                    + ";attribute=" + (attribute instanceof AuthPrincipal p ? p.userId() : "none")
                    + ";admin=" + req.isUserInRole("admin")
                    + ";authType=" + req.getAuthType()
                    + ";remoteUser=" + req.getRemoteUser();
            resp.setContentType("text/plain");
            resp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final MutableClock clock = MutableClock.startingAt(java.time.Instant.parse("2026-03-01T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private AuthService service;
    private Server jetty;
    private String base;

    private void start(boolean containerCreated) throws Exception {
        Stores stores = InMemoryStores.create(clock);
        TestUsers.seed(stores.users());
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
                .startCleanupJob(false).build();
        AuthHttpHandler handler = AuthHttpHandler.builder(service).build();

        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        if (containerCreated) {
            // As a web.xml deployment would: the container instantiates both, the handler comes from the context.
            context.setAttribute(PortcullisAuthFilter.HANDLER_ATTRIBUTE, handler);
            context.addFilter(PortcullisAuthFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(PortcullisEndpointServlet.class, "/user/*");
            context.addServlet(PortcullisEndpointServlet.class, "/common/*");
        } else {
            context.addFilter(new FilterHolder(new PortcullisAuthFilter(handler)), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/user/*");
            context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/common/*");
        }
        context.addServlet(new ServletHolder(new WhoAmIServlet()), "/app/*");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        if (service != null) {
            service.close();
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> login() throws Exception {
        HttpResponse<String> r = post("/user/login", null,
                "{\"username\":\"alice\",\"password\":\"" + TestUsers.ALICE_PASSWORD + "\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.std.mapFrom(r.body());
    }

    @Nested
    @DisplayName("registered programmatically")
    class Programmatic {

        @BeforeEach
        void up() throws Exception {
            start(false);
        }

        @Test
        @DisplayName("an application servlet behind the filter receives the authenticated principal")
        void principalReachesApplication() throws Exception {
            String token = (String) login().get("accessToken");
            HttpResponse<String> r = get("/app/hello", token);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(
                    "principal=alice;attribute=u-alice;admin=true;authType=Bearer;remoteUser=alice");
        }

        @Test
        @DisplayName("an application path without a token is refused with 401, a problem and a Bearer challenge")
        void refusedWithoutToken() throws Exception {
            HttpResponse<String> r = get("/app/hello", null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));
            assertThat(JSON.std.mapFrom(r.body())).containsEntry("code", "TOKEN_MISSING").containsEntry("status", 401);
        }

        @Test
        @DisplayName("an application path with a revoked token is refused")
        void refusedAfterLogout() throws Exception {
            String token = (String) login().get("accessToken");
            assertThat(post("/user/logout", token, null).statusCode()).isEqualTo(204);
            HttpResponse<String> r = get("/app/hello", token);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(JSON.std.mapFrom(r.body())).containsEntry("code", "TOKEN_REVOKED");
        }

        @Test
        @DisplayName("the anonymous endpoints pass the filter without a token")
        void anonymousPass() throws Exception {
            assertThat(get("/common/HealthCheck", null).body()).isEqualTo("{\"status\":\"Healthy\"}");
            assertThat(get("/common/lookup", null).statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("the bearer endpoints work through the servlet")
        void bearerEndpoints() throws Exception {
            Map<String, Object> pair = login();
            HttpResponse<String> me = get("/user/me", (String) pair.get("accessToken"));
            assertThat(JSON.std.mapFrom(me.body())).containsEntry("username", "alice");
            HttpResponse<String> refreshed = post("/user/refreshToken", (String) pair.get("accessToken"),
                    "{\"refreshToken\":\"" + pair.get("refreshToken") + "\"}");
            assertThat(refreshed.statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("hostile input through the container is a 4xx problem, and the container keeps serving")
        void hostile() throws Exception {
            HttpResponse<String> dup = post("/user/login", null, "{\"username\":\"a\",\"username\":\"b\",\"password\":\"x\"}");
            assertThat(dup.statusCode()).isEqualTo(400);
            assertThat(JSON.std.mapFrom(dup.body())).containsEntry("code", "MALFORMED_REQUEST");
            HttpResponse<String> big = post("/user/login", null, "{\"pad\":\"" + "x".repeat(40_000) + "\"}");
            assertThat(big.statusCode()).isEqualTo(413);
            assertThat(get("/common/HealthCheck", null).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @DisplayName("created by the container, with the handler in a context attribute")
    class ContainerCreated {

        @BeforeEach
        void up() throws Exception {
            start(true);
        }

        @Test
        @DisplayName("authenticates as the programmatic registration does")
        void works() throws Exception {
            assertThat(get("/app/hello", null).statusCode()).isEqualTo(401);
            String token = (String) login().get("accessToken");
            assertThat(get("/app/hello", token).body()).startsWith("principal=alice;");
        }
    }
}

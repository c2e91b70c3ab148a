package org.portcullis.auth.http.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.Portcullis;
import org.portcullis.auth.http.AccessRules;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.TestUsers;
import org.portcullis.auth.store.memory.InMemoryStores;
import org.portcullis.auth.store.tck.MutableClock;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter in a web application under a context path: however the client spells the context
 * path, the access rules see the path below it. Jetty 12 picks the context on the decoded,
 * normalised path, while {@code getRequestURI()} keeps the client's spelling.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The filter under a context path: an odd spelling of the context path does not step around a role rule")
class ContextPathSpellingTest {

    /** The application's admin pages: answer who got in. */
    static final class AdminServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getOutputStream().write(("admin page for " + req.getRemoteUser()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private final MutableClock clock = MutableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private AuthService service;
    private Server jetty;
    private String base;

    @BeforeAll
    void start() throws Exception {
        Stores stores = InMemoryStores.create(clock);
        TestUsers.seed(stores.users());
        service = Portcullis.builder().stores(stores).clock(clock).passwordHasher(TestUsers.HASHER)
                .startCleanupJob(false).build();
        AuthHttpHandler handler = AuthHttpHandler.builder(service)
                .accessRules(AccessRules.builder().requireAnyRole("/admin/**", "admin").build())
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/shop");
        context.addFilter(new FilterHolder(new PortcullisAuthFilter(handler)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/user/*");
        context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/common/*");
        context.addServlet(new ServletHolder(new AdminServlet()), "/admin/*");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        if (service != null) {
            service.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/shop/admin/report", "/%73hop/admin/report", "/x/../shop/admin/report", "/./shop/admin/report",
            "//shop/admin/report", "/shop;v=1/admin/report"})
    @DisplayName("a caller without the role never reaches the admin pages")
    void roleRuleHolds(String path) throws Exception {
        String bob = token(TestUsers.BOB, TestUsers.BOB_PASSWORD);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + bob).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).doesNotContain("admin page");
        assertThat(r.statusCode()).as(r.body()).isIn(400, 403, 404);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/%73hop/admin/report", "/x/../shop/admin/report"})
    @DisplayName("a caller with the role still reaches them, however the context path is spelled")
    void roleHolderGetsIn(String path) throws Exception {
        String alice = token(TestUsers.ALICE, TestUsers.ALICE_PASSWORD);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + alice).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("admin page for alice");
    }

    private String token(String username, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/shop/user/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"accessToken\":\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}

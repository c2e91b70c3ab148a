package com.example.embedding.javalin;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.contract.HttpContractSuite;
import org.portcullis.auth.javalin.PortcullisJavalin;

import java.net.URI;

@DisplayName("The HTTP contract in Javalin 7, through PortcullisJavalin")
class JavalinContractTest extends HttpContractSuite {

    @Override
    protected Target start(AuthHttpHandler handler) {
        Javalin app = startJavalin(handler, "127.0.0.1", 0);
        URI uri = URI.create("http://127.0.0.1:" + app.port());
        return Target.of(uri, app::stop);
    }

    /** The code of docs/embedding/javalin.md. */
    static Javalin startJavalin(AuthHttpHandler handler, String host, int port) {
        // tag::javalin[]
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            // Above the handler's 16 KiB, so that its 431 answers first (Jetty's default is 8 KiB).
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(64 * 1024));

            PortcullisJavalin.install(config, handler);   // admission before every route, and the 7G endpoints

            config.routes.get("/app/public/hello", ctx -> ctx.result("hello"));
            config.routes.get("/app/whoami", JavalinContractTest::whoAmI);
            config.routes.get("/app/admin/report", JavalinContractTest::whoAmI);
        });
        app.start(host, port);
        // end::javalin[]
        return app;
    }

    // tag::javalin-principal[]
    static void whoAmI(Context ctx) {
        // Present on every path that is not anonymous: admission ran before this handler.
        AuthPrincipal caller = PortcullisJavalin.principal(ctx).orElseThrow();
        ctx.header("X-User-Id", caller.userId());
        ctx.contentType("text/plain").result("user=" + caller.username() + ";admin=" + caller.hasRole("admin"));
    }
    // end::javalin-principal[]
}

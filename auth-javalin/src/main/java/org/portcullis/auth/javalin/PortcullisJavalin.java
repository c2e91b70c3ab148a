package org.portcullis.auth.javalin;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.http.Admission;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.servlet.ServletRequests;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Portcullis in Javalin 7, through the transport-neutral {@link AuthHttpHandler}:
 * {@link #install} adds, to a {@link JavalinConfig},
 * <ul>
 *   <li>a {@code before} handler that calls {@link AuthHttpHandler#admit} for every request: a
 *       refusal (401, 403 {@code FORBIDDEN}, 431, 503) or a CORS preflight is answered there and no
 *       other handler runs; otherwise the CORS headers are set and the caller's {@link AuthPrincipal}
 *       is put in the request attribute {@link #PRINCIPAL_ATTRIBUTE};</li>
 *   <li>the 7G endpoints on {@code /user/*} and {@code /common/*}, and the published key documents
 *       ({@code /.well-known/jwks.json}, {@code /.well-known/openid-configuration}) when the engine's
 *       settings publish keys, every method, answered by {@link AuthHttpHandler#handle}.</li>
 * </ul>
 * Route handlers read the caller with {@link #principal(Context)} (empty on an anonymous path).
 * Responses are written as {@code AuthHttpHandler} asks of adapters: every header copied,
 * {@code Content-Length} included, the body straight to the servlet stream (past Javalin's
 * result pipeline, which would compress or re-type it), no {@code Content-Type} on a 204.
 *
 * <p>Route rules match the raw path case-sensitively; leave {@code config.router.caseInsensitiveRoutes}
 * off, or a differently cased path would reach a route that its rule does not cover.
 *
 * <p>Stateless; thread-safe.
 */
public final class PortcullisJavalin {

    /** Request attribute holding the caller's {@link AuthPrincipal} (the same name as the servlet filter's). */
    public static final String PRINCIPAL_ATTRIBUTE = "org.portcullis.auth.principal";

    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST,
            HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE, HandlerType.OPTIONS);

    private PortcullisJavalin() {
    }

    /**
     * Installs admission and the 7G endpoints.
     *
     * @throws IllegalArgumentException when the config routes paths without regard to case
     */
    public static void install(JavalinConfig config, AuthHttpHandler handler) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        if (config.router.caseInsensitiveRoutes) {
            throw new IllegalArgumentException("caseInsensitiveRoutes would let a differently cased path around an access rule");
        }
        config.routes.before(ctx -> admit(handler, ctx));
        for (HandlerType method : METHODS) {
            config.routes.addHttpHandler(method, "/user/*", ctx -> serve(handler, ctx));
            config.routes.addHttpHandler(method, "/common/*", ctx -> serve(handler, ctx));
        }
        // The opt-in key documents, exactly and only the ones the handler serves; other /.well-known
        // paths stay the application's.
        for (String path : handler.anonymousPaths()) {
            if (path.startsWith("/.well-known/")) {
                for (HandlerType method : METHODS) {
                    config.routes.addHttpHandler(method, path, ctx -> serve(handler, ctx));
                }
            }
        }
    }

    /** The caller admitted for this request; empty on an anonymous path. */
    public static Optional<AuthPrincipal> principal(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL_ATTRIBUTE));
    }

    private static void admit(AuthHttpHandler handler, Context ctx) throws IOException {
        Admission admission = handler.admit(ServletRequests.toAuthRequest(ctx.req(), InputStream.nullInputStream()));
        if (admission.answer().isPresent()) {
            ServletRequests.write(admission.answer().get(), ctx.req(), ctx.res());
            ctx.skipRemainingHandlers();
            return;
        }
        admission.responseHeaders().forEach(ctx::header);
        admission.caller().ifPresent(p -> ctx.attribute(PRINCIPAL_ATTRIBUTE, p));
    }

    private static void serve(AuthHttpHandler handler, Context ctx) throws IOException {
        ServletRequests.write(handler.handle(ServletRequests.toAuthRequest(ctx.req(), ctx.req().getInputStream())),
                ctx.req(), ctx.res());
    }
}

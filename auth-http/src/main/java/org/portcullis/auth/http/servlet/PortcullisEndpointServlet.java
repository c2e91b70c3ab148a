package org.portcullis.auth.http.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.portcullis.auth.http.AuthHttpHandler;

import java.io.IOException;
import java.util.Objects;

/**
 * Serves the 7G User endpoints ({@code /user/*} and {@code /common/*}) in any servlet container,
 * through an {@link AuthHttpHandler}, and the opt-in key documents under {@code /.well-known/*}
 * when the engine publishes keys. Map it to {@code /user/*}, {@code /common/*} and {@code /.well-known/*} at the root
 * of the context; the handler routes on the request URI below the context path. It checks tokens
 * itself, so it is safe with or without {@link PortcullisAuthFilter} in front.
 *
 * <p>Construct it with a handler, or let the container create it and put the handler in the
 * servlet context attribute {@link PortcullisAuthFilter#HANDLER_ATTRIBUTE}. Thread-safe.
 */
public final class PortcullisEndpointServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient volatile AuthHttpHandler handler;

    /** For a container that creates the servlet: the handler comes from the context attribute at {@link #init()}. */
    public PortcullisEndpointServlet() {
    }

    /** A servlet over the given handler. */
    public PortcullisEndpointServlet(AuthHttpHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void init() throws ServletException {
        if (handler == null) {
            handler = PortcullisAuthFilter.handlerFrom(getServletContext().getAttribute(PortcullisAuthFilter.HANDLER_ATTRIBUTE));
        }
    }

    /** Every method goes to the handler, which answers 405 with {@code Allow} where one does not fit. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ServletRequests.write(handler.handle(ServletRequests.toAuthRequest(request, request.getInputStream())), request,
                response);
    }
}

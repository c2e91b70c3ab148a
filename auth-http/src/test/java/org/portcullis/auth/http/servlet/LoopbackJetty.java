package org.portcullis.auth.http.servlet;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.portcullis.auth.http.AuthHttpHandler;

/** The endpoint servlet over one handler, alone in embedded Jetty 12 on a free loopback port. */
final class LoopbackJetty implements AutoCloseable {

    private final Server server;
    private final int port;

    private LoopbackJetty(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    static LoopbackJetty start(AuthHttpHandler handler) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new PortcullisEndpointServlet(handler)), "/*");
        server.setHandler(context);
        server.start();
        return new LoopbackJetty(server, connector.getLocalPort());
    }

    int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port}, without a trailing slash. */
    String base() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}

package com.example.embedding;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.DisplayName;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.contract.HttpContractSuite;

import java.net.URI;

@DisplayName("The HTTP contract in Jetty 12 (ee10 servlet), through the filter and the endpoint servlet")
class JettyContractTest extends HttpContractSuite {

    @Override
    protected Target start(AuthHttpHandler handler) throws Exception {
        Server server = startJetty(handler, "127.0.0.1", 0);
        URI uri = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        return Target.of(uri, server::stop);
    }

    /** The code of docs/embedding/jetty.md. */
    static Server startJetty(AuthHttpHandler handler, String host, int port) throws Exception {
        // tag::jetty[]
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(64 * 1024);   // above the handler's 16 KiB, so that its 431 answers first
        http.setSendServerVersion(false);

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServletContainerInitializer(new AppInitializer(handler));
        server.setHandler(context);
        server.start();
        // end::jetty[]
        return server;
    }
}

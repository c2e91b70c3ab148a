package com.example.embedding;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.contract.HttpContractSuite;

import java.net.URI;
import java.nio.file.Path;

@DisplayName("The HTTP contract in Tomcat 11 (embedded), through the filter and the endpoint servlet")
class TomcatContractTest extends HttpContractSuite {

    @TempDir
    static Path baseDir;

    @Override
    protected Target start(AuthHttpHandler handler) throws Exception {
        Tomcat tomcat = startTomcat(handler, baseDir, "127.0.0.1", 0);
        URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
        return Target.of(uri, () -> {
            tomcat.stop();
            tomcat.destroy();
        });
    }

    /** The code of docs/embedding/tomcat.md. */
    static Tomcat startTomcat(AuthHttpHandler handler, Path baseDir, String host, int port) throws Exception {
        // tag::tomcat[]
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());

        Connector connector = new Connector();   // HTTP/1.1, NIO
        connector.setPort(port);
        connector.setProperty("address", host);
        // Above the handler's 16 KiB, so that its 431 answers first (Tomcat's default is 8 KiB, with a 400).
        connector.setProperty("maxHttpHeaderSize", Integer.toString(64 * 1024));
        tomcat.setConnector(connector);

        Context context = tomcat.addContext("", null);
        context.addServletContainerInitializer(new AppInitializer(handler), null);
        tomcat.start();
        // end::tomcat[]
        return tomcat;
    }
}

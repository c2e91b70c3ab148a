/**
 * The standalone server: {@link org.portcullis.auth.http.server.PortcullisServer} (the main class of
 * {@code portcullis-server.jar}) configured by {@link org.portcullis.auth.http.server.ServerConfig}.
 */
package org.portcullis.auth.http.server;

/**
 * The standalone server: {@link org.portcullis.auth.server.PortcullisServer} (the main class of
 * {@code portcullis-server.jar}) configured by {@link org.portcullis.auth.server.ServerConfig}.
 */
package org.portcullis.auth.server;

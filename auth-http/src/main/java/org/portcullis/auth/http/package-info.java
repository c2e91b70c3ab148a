/**
 * The 7G User endpoints over HTTP, independent of any web server: {@link org.portcullis.auth.http.AuthHttpHandler}
 * answers an {@link org.portcullis.auth.http.AuthHttpRequest} with an {@link org.portcullis.auth.http.AuthHttpResponse}.
 * Adapters: {@code org.portcullis.auth.http.servlet} (any Jakarta Servlet 6 container) and
 * {@code org.portcullis.auth.server} (the standalone server on the JDK's HTTP server).
 */
package org.portcullis.auth.http;

/**
 * The IP-literal parser shared by every Portcullis module ({@link org.portcullis.auth.api.net.IpLiteral}):
 * one set of rules for what counts as a client address. JDK only.
 */
package org.portcullis.auth.api.net;

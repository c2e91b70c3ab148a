package org.portcullis.auth.spring;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.portcullis.auth.api.AuthPrincipal;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The Spring Security {@link org.springframework.security.core.Authentication} of a request
 * with a valid Portcullis access token. {@link #getPrincipal()} is the {@link AuthPrincipal}
 * (so {@code @AuthenticationPrincipal AuthPrincipal me} works); the authorities are the token's
 * roles with a prefix ({@code ROLE_} by default, so {@code hasRole('admin')} matches role
 * {@code admin}). The token itself is not kept: {@link #getCredentials()} is empty.
 *
 * <p>Immutable once made (it is created authenticated); thread-safe.
 */
public final class PortcullisAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final AuthPrincipal principal;

    /**
     * @param principal  the validated caller
     * @param rolePrefix put before each role to make an authority; may be empty
     */
    public PortcullisAuthentication(AuthPrincipal principal, String rolePrefix) {
        super(authorities(principal, rolePrefix));
        this.principal = Objects.requireNonNull(principal, "principal");
        setAuthenticated(true);
    }

    private static Collection<? extends GrantedAuthority> authorities(AuthPrincipal principal, String prefix) {
        String p = prefix == null ? "" : prefix;
        return principal.roles().stream().sorted().map(r -> new SimpleGrantedAuthority(p + r)).toList();
    }

    @Override
    public AuthPrincipal getPrincipal() {
        return principal;
    }

    /** Always empty: the bearer token is not kept after validation. */
    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public String getName() {
        return principal.username();
    }

    /** The roles as the token carries them, without prefix. */
    public List<String> roles() {
        return principal.roles().stream().sorted().toList();
    }
}

package dev.porter.devidp.oauth;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;

/**
 * Reads an access token on {@code /userinfo} only, as Auth0 does. The authorization
 * server's chain is a resource server for {@code /userinfo}'s sake, but Spring Security
 * would read a token on every endpoint of that chain, and {@code /authorize} takes
 * whatever authentication the request carries for its signed-in user: any token dev-idp
 * had signed (an ID token, a revoked access token) bought a code, and so fresh tokens,
 * without the login form. Elsewhere a token is ignored, so {@code /authorize} sees no one
 * signed in but the browser's IdP session.
 * <p>
 * {@code /userinfo} keeps what it took before: the {@code Authorization} header, with the
 * {@code Bearer} scheme or (RFC 9449) {@code DPoP} with its proof.
 */
final class UserInfoTokens implements BearerTokenResolver {

	private static final String DPOP_SCHEME = "DPoP ";

	private final RequestMatcher userInfo;

	private final BearerTokenResolver bearer = new DefaultBearerTokenResolver();

	UserInfoTokens(String userInfoPath) {
		this.userInfo = PathPatternRequestMatcher.withDefaults().matcher(userInfoPath);
	}

	@Override
	public @Nullable String resolve(HttpServletRequest request) {
		return this.userInfo.matches(request) ? this.bearer.resolve(request) : null;
	}

	/**
	 * The requests whose {@code DPoP} access token is read: those to {@code /userinfo}.
	 */
	RequestMatcher dPoPRequests() {
		return new AndRequestMatcher(this.userInfo, (request) -> StringUtils
			.startsWithIgnoreCase(request.getHeader(HttpHeaders.AUTHORIZATION), DPOP_SCHEME));
	}

}

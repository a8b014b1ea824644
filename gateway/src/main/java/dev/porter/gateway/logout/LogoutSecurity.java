package dev.porter.gateway.logout;

import dev.porter.gateway.problem.Problems;

import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * The logout half of the security chain: {@code POST /bff/logout} (CSRF-checked like
 * every unsafe method) runs our handler before Spring Security's own, which clear the
 * security context and the CSRF token, and invalidates the session after them.
 */
public class LogoutSecurity {

	/** The endpoint this half's filters answer, with no handler behind it. */
	public static final String ENDPOINT = Problems.LOGOUT_URL;

	private final BffLogoutHandler handler;

	private final BffLogoutSuccessHandler successHandler;

	LogoutSecurity(BffLogoutHandler handler, BffLogoutSuccessHandler successHandler) {
		this.handler = handler;
		this.successHandler = successHandler;
	}

	public void customize(ServerHttpSecurity http) {
		http.logout((logout) -> logout.requiresLogout(ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, ENDPOINT))
			.logoutHandler((handlers) -> {
				handlers.add(0, this.handler);
				handlers.add(BffLogoutHandler::invalidateSession);
			})
			.logoutSuccessHandler(this.successHandler));
	}

}

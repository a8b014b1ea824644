package dev.porter.gateway.csrf;

import dev.porter.gateway.config.BffProperties;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity.CsrfSpec;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * CSRF for an SPA: the token travels in a cookie JavaScript can read ({@code XSRF-TOKEN})
 * and comes back in {@code X-XSRF-TOKEN} on every unsafe method — the convention axios
 * and Angular follow ({@link HeaderCsrfTokenRequestHandler}: never from a relayed body).
 * The back-channel logout is exempt: the IdP calls it server to server and its signed
 * token is the proof.
 */
public final class CsrfConfiguration {

	private static final ServerWebExchangeMatcher BACKCHANNEL_LOGOUT = ServerWebExchangeMatchers
		.pathMatchers(HttpMethod.POST, "/bff/backchannel-logout");

	private CsrfConfiguration() {
	}

	public static void configure(CsrfSpec csrf, BffProperties bff, ProblemWriter problems) {
		CookieServerCsrfTokenRepository repository = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
		repository.setCookieCustomizer((cookie) -> cookie.secure(bff.isHttps()).sameSite("Lax").path("/"));
		csrf.csrfTokenRepository(repository)
			.csrfTokenRequestHandler(new HeaderCsrfTokenRequestHandler())
			.requireCsrfProtectionMatcher(new AndServerWebExchangeMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER,
					new NegatedServerWebExchangeMatcher(BACKCHANNEL_LOGOUT)))
			.accessDeniedHandler(
					(exchange, denied) -> problems.write(exchange, Problems.csrfRejected()).then(Mono.empty()));
	}

}

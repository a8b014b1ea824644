package dev.porter.gateway.config;

import java.util.List;
import java.util.stream.Stream;

import dev.porter.gateway.csrf.CsrfSecurity;
import dev.porter.gateway.devices.SessionsEndpoints;
import dev.porter.gateway.login.LoginSecurity;
import dev.porter.gateway.logout.LogoutSecurity;
import dev.porter.gateway.oidc.OidcProperties;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.routing.RelayedPaths;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.server.ServerWebExchange;

/**
 * The gateway's security chains: one for the relayed API, which needs a login, and one
 * for everything else (the SPA, the {@code /bff/*} endpoints, health), which is open and
 * decides for itself — except the user's session list, which needs a login too. Login,
 * logout and CSRF are configured by their feature packages.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	/**
	 * The main chain's endpoints that count every call against a budget: another site's
	 * page may send them nothing but a top-level navigation ({@link CsrfSecurity}).
	 */
	private static final List<String> BUDGETED = Stream.of(LoginSecurity.ENDPOINTS, SessionsEndpoints.PATTERNS)
		.flatMap(List::stream)
		.toList();

	/** What the gateway relays to profile-service: the one route's paths. */
	private static final String[] RELAYED = RelayedPaths.PATTERNS.toArray(String[]::new);

	/**
	 * The relayed API's own chain, consulted first. A relayed request needs the login
	 * from the session, CSRF on unsafe methods (and, from another site's page, nothing
	 * but a navigation), and the same headers and error answers as anywhere else; it does
	 * not need the login, callback and logout filters of the main chain, which only ever
	 * act on their own paths but cost every relayed request a matcher and a few reactive
	 * operators each (bench/relay.sh, docs/benchmarks.md).
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityWebFilterChain relayWebFilterChain(ServerHttpSecurity http, LoginSecurity login, CsrfSecurity csrf,
			OidcProperties oidc, ProblemWriter problems) {
		http.securityMatcher(SecurityConfiguration::relayed).logout(ServerHttpSecurity.LogoutSpec::disable);
		common(http, oidc, problems);
		csrf.customizeRelay(http);
		login.customizeRelay(http, accessDenied(problems));
		return http.build();
	}

	/**
	 * The relay chain's matcher: the same paths as Spring's
	 * {@code pathMatchers(RELAYED)}, answered without the reactive {@code Or} of one
	 * matcher per pattern that every relayed request would otherwise pay for.
	 */
	private static Mono<MatchResult> relayed(ServerWebExchange exchange) {
		return RelayedPaths.matches(exchange) ? MatchResult.match() : MatchResult.notMatch();
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, LoginSecurity login, LogoutSecurity logout,
			CsrfSecurity csrf, OidcProperties oidc, ProblemWriter problems) {
		// The relayed paths are the relay chain's; named here too so that they stay
		// protected should the chains' order ever change.
		http.authorizeExchange((exchanges) -> exchanges.pathMatchers(RELAYED)
			.authenticated()
			.pathMatchers(SessionsEndpoints.PATH, SessionsEndpoints.PATH + "/**")
			.authenticated()
			.anyExchange()
			.permitAll());
		common(http, oidc, problems);
		csrf.customize(http, BUDGETED);
		login.customize(http);
		logout.customize(http);
		return http.build();
	}

	/** What both chains answer alike. */
	private static void common(ServerHttpSecurity http, OidcProperties oidc, ProblemWriter problems) {
		http.exceptionHandling((exceptions) -> exceptions.accessDeniedHandler(accessDenied(problems)))
			// The SPA keeps its own place: never replay a saved request after login.
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			// The headers Spring's header spec would write, written in one loop.
			.headers(ServerHttpSecurity.HeaderSpec::disable)
			.addFilterAt(new HttpHeaderWriterWebFilter(new SecurityHeadersWriter(contentSecurityPolicy(oidc))),
					SecurityWebFiltersOrder.HTTP_HEADERS_WRITER);
	}

	private static ServerAccessDeniedHandler accessDenied(ProblemWriter problems) {
		return (exchange, denied) -> problems.write(exchange, Problems.accessDenied());
	}

	/**
	 * No observation around each security filter: they cost a measurable share of every
	 * relayed request (bench/gateway-me.sh) and only feed tracing, which Porter does not
	 * set up. Request metrics still come from the server's own observation.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * The SPA loads only its own scripts, styles and API. Images may come from https
	 * (profile pictures live on Gravatar or the social IdP). Forms may post to the IdP
	 * because the logout form's redirect goes there.
	 */
	private static String contentSecurityPolicy(OidcProperties oidc) {
		String idp = oidc.issuerUri().getScheme() + "://" + oidc.issuerUri().getRawAuthority();
		return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
				+ "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self' "
				+ idp;
	}

}

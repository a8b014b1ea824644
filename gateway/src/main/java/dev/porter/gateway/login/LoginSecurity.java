package dev.porter.gateway.login;

import java.util.List;
import java.util.Map;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.oidc.OidcProperties;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.LoginTokens;
import dev.porter.gateway.session.LoginUser;
import dev.porter.gateway.session.ToTheEnd;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

/**
 * The login half of the security chain: {@code /bff/login} starts the authorization
 * request (code + PKCE S256, {@code state}, {@code nonce}, Auth0's {@code audience}); the
 * callback stores the tokens in the session; anything unauthenticated meets the SPA-aware
 * entry point. Until the callback, a login has no session ({@link LoginGuards}).
 */
public class LoginSecurity {

	/**
	 * The endpoints this half's filters answer, with no handler behind them: the start of
	 * a login and the IdP's callback.
	 */
	public static final List<String> ENDPOINTS = List.of(LoginPaths.LOGIN, LoginPaths.CALLBACK);

	private final DiscoveredClientRegistrationRepository registrations;

	private final ServerOAuth2AuthorizedClientRepository authorizedClients;

	private final LoginSuccessHandler successHandler;

	private final FailedLoginSession failedSession;

	private final ProblemWriter problems;

	private final LoginRefusal refusal;

	private final OidcProperties oidc;

	private final Counter failedLogins;

	private final LoginGuards guards;

	private final SessionSecurityContextRepository securityContexts = new SessionSecurityContextRepository();

	private final LoginFailureLog failureLog;

	private final ToTheEnd toTheEnd;

	LoginSecurity(DiscoveredClientRegistrationRepository registrations,
			ServerOAuth2AuthorizedClientRepository authorizedClients, LoginSuccessHandler successHandler,
			FailedLoginSession failedSession, ProblemWriter problems, LoginRefusal refusal, OidcProperties oidc,
			MeterRegistry meters, LoginGuards guards, LoginFailureLog failureLog, ToTheEnd toTheEnd) {
		this.toTheEnd = toTheEnd;
		this.guards = guards;
		this.failureLog = failureLog;
		this.registrations = registrations;
		this.authorizedClients = authorizedClients;
		this.successHandler = successHandler;
		this.failedSession = failedSession;
		this.problems = problems;
		this.refusal = refusal;
		this.oidc = oidc;
		this.failedLogins = meters.counter("porter.logins", "outcome", "failure");
	}

	public void customize(ServerHttpSecurity http) {
		ServerAuthenticationFailureHandler failureHandler = failureHandler();
		// The session keeps the login as a compact record, not serialized Spring objects.
		http.securityContextRepository(this.securityContexts)
			.oauth2Login((login) -> login.clientRegistrationRepository(this.registrations)
				// Spring's matcher takes every method, and reads code and state from the
				// query whatever it is; the IdP returns with a GET, the one method the
				// login guards watch.
				.authenticationMatcher(ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, LoginPaths.CALLBACK))
				.securityContextRepository(this.securityContexts)
				.authorizedClientRepository(this.authorizedClients)
				.authorizationRequestRepository(this.guards.authorizationRequests())
				.authorizationRequestResolver(new ReturnToAuthorizationRequestResolver(authorizationRequestResolver()))
				.authenticationSuccessHandler(this.successHandler)
				.authenticationFailureHandler(failureHandler))
			// Around the callback's authentication filter, to catch its other errors too.
			.addFilterBefore(new CallbackErrorWebFilter(failureHandler, this.toTheEnd),
					SecurityWebFiltersOrder.AUTHENTICATION)
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(new SpaAuthenticationEntryPoint(this.problems)))
			// Ahead of the OAuth2 redirect filter, which sits at HTTP_BASIC.
			.addFilterBefore(new BffLoginWebFilter(this.refusal, this.failureLog, this.failedLogins),
					SecurityWebFiltersOrder.HTTP_BASIC)
			// The budget early, so a client over it costs as little as possible;
			// after the Sec-Fetch check (CsrfSecurity): another site's page spends
			// none of it.
			.addFilterBefore(this.guards.rateLimit(), SecurityWebFiltersOrder.CSRF)
			.addFilterBefore(this.guards.capacity(), SecurityWebFiltersOrder.AUTHENTICATION);
	}

	/**
	 * The relayed API's chain has no login endpoints of its own; a request there without
	 * a login gets the same 401 problem as anywhere, from a filter that asks for the
	 * login and nothing else ({@link LoginRequiredWebFilter}). It reads the login from
	 * the session the same way as the main chain.
	 */
	public void customizeRelay(ServerHttpSecurity http, ServerAccessDeniedHandler accessDenied) {
		http.securityContextRepository(this.securityContexts)
			.addFilterAt(new LoginRequiredWebFilter(new SpaAuthenticationEntryPoint(this.problems), accessDenied),
					SecurityWebFiltersOrder.AUTHORIZATION);
	}

	private DefaultServerOAuth2AuthorizationRequestResolver authorizationRequestResolver() {
		DefaultServerOAuth2AuthorizationRequestResolver resolver = new DefaultServerOAuth2AuthorizationRequestResolver(
				this.registrations, loginMatcher());
		String audience = this.oidc.audience();
		// PKCE even for the confidential client (OAuth 2.1, RFC 9700); Auth0 issues a JWT
		// only for an audience.
		resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce()
			.andThen((request) -> request.additionalParameters((parameters) -> parameters.put("audience", audience))));
		return resolver;
	}

	/** {@code GET /bff/login} always means the one registration. */
	private static ServerWebExchangeMatcher loginMatcher() {
		ServerWebExchangeMatcher path = ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, LoginPaths.LOGIN);
		return (exchange) -> path.matches(exchange)
			.flatMap((result) -> result.isMatch() ? MatchResult
				.match(Map.of(DefaultServerOAuth2AuthorizationRequestResolver.DEFAULT_REGISTRATION_ID_URI_VARIABLE_NAME,
						DiscoveredClientRegistrationRepository.REGISTRATION_ID))
					: MatchResult.notMatch());
	}

	private ServerAuthenticationFailureHandler failureHandler() {
		RedirectServerAuthenticationFailureHandler redirect = new RedirectServerAuthenticationFailureHandler(
				LoginRefusal.LOGIN_FAILED.toString());
		return (exchange, ex) -> {
			this.failedLogins.increment();
			this.failureLog.failed(ex);
			return endSignedInSession(exchange.getExchange())
				.then(Mono.defer(() -> redirect.onAuthenticationFailure(exchange, ex)));
		};
	}

	/**
	 * Ends the callback's own session if the failure came after Spring Security stored
	 * the login in it ({@link FailedLoginSession}): a session write that timed out as the
	 * login was saved into it, or any later failure the success handler did not end the
	 * session for. Otherwise the redirect's save would store it and send its cookie: the
	 * browser told the login failed, yet signed in. A session never given a login is left
	 * alone, unstarted: its answer stores nothing.
	 */
	private Mono<Void> endSignedInSession(ServerWebExchange exchange) {
		return exchange.getSession()
			.filter((session) -> !session.isExpired()
					&& (LoginTokens.in(session) != null || LoginUser.in(session) != null))
			.flatMap((session) -> this.failedSession.end(exchange, session, idpSession(LoginUser.in(session))))
			.onErrorResume((ex) -> Mono.empty());
	}

	private static @Nullable IdpSession idpSession(@Nullable LoginUser user) {
		return (user != null) ? IdpSession.of(user) : null;
	}

}

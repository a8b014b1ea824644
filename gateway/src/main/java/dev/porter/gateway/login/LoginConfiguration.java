package dev.porter.gateway.login;

import java.time.Clock;
import java.util.concurrent.TimeoutException;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.oidc.OidcProperties;
import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.csrf.SessionCsrfTokenRepository;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.routing.RateLimiters;
import dev.porter.gateway.routing.UserRateLimiter;
import dev.porter.gateway.session.SessionCapacity;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.ReplacedSessionEnder;
import dev.porter.gateway.session.SessionLimit;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.session.SessionCookie;
import dev.porter.gateway.session.ToTheEnd;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoderFactory;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

@Configuration(proxyBeanMethods = false)
class LoginConfiguration {

	/**
	 * The login's code exchange uses the IdP client with bounded waits, and is bounded as
	 * a whole by {@code OIDC_RESPONSE_TIMEOUT}: Spring Security's own client has no
	 * response timeout, so a token endpoint that accepts and never answers would hold the
	 * browser's callback open, and the IdP client's bounds the gap between two reads, so
	 * an answer trickled in a few bytes at a time would hold it as long. Found by type by
	 * the {@code oauth2Login} configuration.
	 */
	@Bean
	ReactiveOAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCodeTokenResponseClient(
			WebClient idpWebClient, OidcProperties oidc) {
		WebClientReactiveAuthorizationCodeTokenResponseClient client = new WebClientReactiveAuthorizationCodeTokenResponseClient();
		client.setWebClient(idpWebClient);
		// The status tells a rejected client from a refused login (LoginFailureLog).
		client.setBodyExtractor(CodeExchangeError::read);
		return (request) -> client.getTokenResponse(request)
			.timeout(oidc.responseTimeout())
			.onErrorMap((ex) -> ex instanceof WebClientRequestException || ex instanceof TimeoutException,
					IdpSilence::loginFailed);
	}

	/**
	 * The ID token's signature check at the callback fetches the JWKS through the IdP
	 * client, bounded for the same reasons; its times are checked on the gateway's clock.
	 * The {@code oauth2Login} configuration finds this bean by its type.
	 */
	@Bean
	ReactiveJwtDecoderFactory<ClientRegistration> idTokenDecoderFactory(WebClient idpWebClient, OidcProperties oidc,
			ObjectProvider<Clock> clock) {
		return new IdTokenDecoders(idpWebClient, oidc.responseTimeout(), clock.getIfAvailable(Clock::systemUTC));
	}

	/**
	 * The login's {@code /userinfo} call, bounded for the same reasons, made only when
	 * the ID token lacks what the session keeps ({@link UserinfoNeed}); an IdP that
	 * cannot answer it just now leaves the user with the ID token's claims
	 * ({@link BestEffortUserinfo}).
	 */
	@Bean
	ReactiveOAuth2UserService<OidcUserRequest, OidcUser> oidcUserService(WebClient idpWebClient, OidcProperties oidc) {
		OidcReactiveOAuth2UserService service = new OidcReactiveOAuth2UserService();
		service.setRetrieveUserInfo(UserinfoNeed::test);
		service.setOauth2UserService(BestEffortUserinfo.through(idpWebClient, oidc.responseTimeout()));
		return service;
	}

	/** The callback's session is a new one: see {@link CallbackFreshSessionWebFilter}. */
	@Bean
	CallbackFreshSessionWebFilter callbackFreshSessionWebFilter(ObjectProvider<Clock> clock) {
		return new CallbackFreshSessionWebFilter(clock.getIfAvailable(Clock::systemUTC));
	}

	/** How every refused or failed login is answered: see {@link LoginRefusal}. */
	@Bean
	LoginRefusal loginRefusal(ProblemWriter problems) {
		return new LoginRefusal(problems);
	}

	/**
	 * A login that fails on its way lands on the SPA: see {@link LoginErrorWebFilter}.
	 */
	@Bean
	LoginErrorWebFilter loginErrorWebFilter(LoginRefusal refusal) {
		return new LoginErrorWebFilter(refusal);
	}

	@Bean
	LoginSecurity loginSecurity(DiscoveredClientRegistrationRepository registrations,
			ServerOAuth2AuthorizedClientRepository authorizedClients, SessionRegistry registry, ProblemWriter problems,
			LoginRefusal refusal, OidcProperties oidc, MeterRegistry meters, LoginGuards guards,
			SessionCsrfTokenRepository csrfTokens, SessionDirectory directory, ReplacedSessionEnder replaced,
			SessionLimit limit, TokenRevoker revoker, StoredSessions stored, ToTheEnd toTheEnd,
			ObjectProvider<Clock> clock) {
		Clock time = clock.getIfAvailable(Clock::systemUTC);
		FailedLoginSession failed = new FailedLoginSession(authorizedClients, revoker, stored, registry);
		LoginSuccessHandler success = new LoginSuccessHandler(registry, meters, csrfTokens, directory, replaced, limit,
				failed, time);
		return new LoginSecurity(registrations, authorizedClients, success, failed, problems, refusal, oidc, meters,
				guards, new LoginFailureLog(time), toTheEnd);
	}

	/**
	 * The login cookies are named after the session cookie (same prefix and
	 * {@code Secure}), one per pending login; their key comes from the client secret all
	 * instances share. With Redis, the per-address budget is shared by all instances too.
	 */
	@Bean
	LoginGuards loginGuards(LoginProperties login, SessionCookie sessionCookie, OidcProperties oidc, JsonMapper json,
			SessionCapacity capacity, StoredSessions sessions, ObjectProvider<ReactiveStringRedisTemplate> redis,
			LoginRefusal refusal, ObjectProvider<Clock> clocks) {
		Clock clock = clocks.getIfAvailable(Clock::systemUTC);
		CookieServerAuthorizationRequestRepository requests = new CookieServerAuthorizationRequestRepository(
				sessionCookie.name() + "-login-", sessionCookie.secure(), login.timeout(),
				new LoginRequestCipher(oidc.clientSecret()), json, clock);
		ReactiveStringRedisTemplate shared = redis.getIfAvailable();
		UserRateLimiter limiter = (shared != null)
				? RateLimiters.redis(shared, login.rateLimit(), login.rateLimitPeriod(), clock)
				: RateLimiters.inMemory(login.rateLimit(), login.rateLimitPeriod(), clock);
		return new LoginGuards(requests,
				new LoginRateLimitWebFilter(limiter, new AddressPseudonyms(oidc.clientSecret()), refusal, clock),
				new LoginCapacityWebFilter(capacity, sessions, refusal, clock));
	}

}

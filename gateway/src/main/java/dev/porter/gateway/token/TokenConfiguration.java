package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;

import dev.porter.gateway.oidc.TokenRevoker;
import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import dev.porter.gateway.session.ToTheEnd;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoderFactory;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

	@Bean
	TokenRefresher tokenRefresher(SessionTokens tokens, ObjectProvider<RefreshLock> lock, TokenProperties properties,
			RefreshMetrics metrics, WebClient idpWebClient,
			ReactiveJwtDecoderFactory<ClientRegistration> idTokenDecoderFactory, TokenRevoker revoker,
			SessionRegistry registry, StoredSessions stored, ObjectProvider<Clock> clock,
			ObjectProvider<Scheduler> timers) {
		Clock gatewayClock = clock.getIfAvailable(Clock::systemUTC);
		IdpRefreshCall idp = IdpRefreshCall.through(idpWebClient, properties.refreshTimeout(),
				new RenewedIdTokens(idTokenDecoderFactory), gatewayClock);
		return new TokenRefresher(idp, tokens, lock.getIfAvailable(() -> RefreshLock.LOCAL), properties, metrics,
				revoker, IdpSessionGoesOn.registered(registry, stored), gatewayClock,
				timers.getIfAvailable(Schedulers::parallel));
	}

	/**
	 * One drain for all the work that outlives its request: refreshes, and ToTheEnd's
	 * steps.
	 */
	@Bean
	DetachedWorkDrain detachedWorkDrain(TokenRefresher refresher, ToTheEnd toTheEnd, TokenProperties properties,
			@Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration shutdownPhase) {
		return new DetachedWorkDrain(() -> Mono.when(refresher.refreshesEnded(), toTheEnd.stepsEnded()),
				DetachedWorkDrain.bound(properties.longestRefresh(), shutdownPhase));
	}

	/** Used by the login (which stores the tokens), the relay and the logout. */
	@Bean
	ServerOAuth2AuthorizedClientRepository authorizedClientRepository(
			DiscoveredClientRegistrationRepository registrations, ObjectProvider<Clock> clock) {
		return new SessionAuthorizedClientRepository(registrations, clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	TokenRelayFilter tokenRelayFilter(SessionTokens tokens, TokenRefresher refresher) {
		return new TokenRelayFilter(tokens, refresher);
	}

}

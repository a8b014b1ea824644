package dev.porter.gateway.oidc;

import java.time.Clock;
import java.time.Duration;

import dev.porter.gateway.bff.BffProperties;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The client for the gateway's own calls to the IdP (discovery, JWKS, the login's code
 * exchange and userinfo, refresh, revocation), with bounded waits, and the client
 * registration discovered through it.
 */
@Configuration(proxyBeanMethods = false)
class IdpClientConfiguration {

	@Bean
	WebClient idpWebClient(OidcProperties oidc, ConnectionProvider idpConnections) {
		return WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(idpHttpClient(oidc, idpConnections)))
			.build();
	}

	/**
	 * The IdP's own pool: a connection idle for 10 s is let go, as the relay's are
	 * (application.yml). One to an IdP host that vanished without a reset would otherwise
	 * hold up the refresh or login that draws it for the whole response timeout.
	 */
	@Bean(destroyMethod = "dispose")
	ConnectionProvider idpConnections() {
		return ConnectionProvider.builder("idp")
			.maxIdleTime(Duration.ofSeconds(10))
			.evictInBackground(Duration.ofSeconds(5))
			.build();
	}

	/** A connection within 2 s, then an answer within {@code OIDC_RESPONSE_TIMEOUT}. */
	static HttpClient idpHttpClient(OidcProperties oidc, ConnectionProvider connections) {
		return HttpClient.create(connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
			.responseTimeout(oidc.responseTimeout());
	}

	/** The gateway's one client registration, from the IdP's discovery document. */
	@Bean
	TokenRevoker tokenRevoker(WebClient idpWebClient, OidcProperties oidc) {
		return oidc.revokeRefreshTokens() ? new TokenRevoker(idpWebClient) : TokenRevoker.off(idpWebClient);
	}

	@Bean
	DiscoveredClientRegistrationRepository clientRegistrationRepository(WebClient idpWebClient, OidcProperties oidc,
			BffProperties bff, ObjectProvider<Clock> clock) {
		return new DiscoveredClientRegistrationRepository(
				new OidcDiscovery(idpWebClient, oidc, clock.getIfAvailable(Clock::systemUTC)), oidc, bff);
	}

}

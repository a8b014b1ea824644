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
	 * At most this many calls to the IdP at once (logins, refreshes, JWKS, revocations):
	 * enough for a burst of them against a slow IdP, where Reactor Netty's default (twice
	 * the cores, at least 16) kept calls waiting for a connection.
	 */
	static final int MAX_CONNECTIONS = 64;

	/**
	 * How long a call waits for a pooled connection before it fails, unsent: Reactor
	 * Netty's default, 45 s, outlasted every wait for the IdP (a login's callback, a
	 * refresh's lock).
	 */
	static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * The IdP's own pool, bounded ({@link #MAX_CONNECTIONS}, {@link #ACQUIRE_TIMEOUT}). A
	 * connection idle for 10 s is let go, as the relay's are (application.yml): one to an
	 * IdP host that vanished without a reset would otherwise hold up the refresh or login
	 * that draws it for the whole response timeout.
	 */
	@Bean(destroyMethod = "dispose")
	ConnectionProvider idpConnections() {
		return idpConnections(MAX_CONNECTIONS, ACQUIRE_TIMEOUT);
	}

	static ConnectionProvider idpConnections(int maxConnections, Duration acquireTimeout) {
		return ConnectionProvider.builder("idp")
			.maxConnections(maxConnections)
			.pendingAcquireTimeout(acquireTimeout)
			.maxIdleTime(Duration.ofSeconds(10))
			.evictInBackground(Duration.ofSeconds(5))
			.build();
	}

	/**
	 * A connection within {@link #CONNECT_TIMEOUT}, then an answer within
	 * {@code OIDC_RESPONSE_TIMEOUT}.
	 */
	static HttpClient idpHttpClient(OidcProperties oidc, ConnectionProvider connections) {
		return HttpClient.create(connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
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

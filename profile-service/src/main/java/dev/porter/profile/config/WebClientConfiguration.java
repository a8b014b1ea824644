package dev.porter.profile.config;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One pooled {@link WebClient} per upstream with its own timeouts, each built from Boot's
 * {@link WebClient.Builder} so that it uses the application's {@code JsonMapper} codecs
 * and records {@code http.client.requests} observations, the upstream latency metric.
 */
@Configuration(proxyBeanMethods = false)
class WebClientConfiguration {

	/**
	 * An upstream answer is buffered up to 256 KiB, not the 64 KiB a caller's request may
	 * take: a Management user with large metadata (Auth0 allowed more than its 10 KB
	 * limit before) must still read.
	 */
	private static final int UPSTREAM_ANSWER_MAX_BYTES = 256 * 1024;

	@Bean
	WebClient userinfoWebClient(ResilienceProperties properties, WebClient.Builder builder) {
		return build(upstreamHttpClient("userinfo", properties.userinfo()), builder);
	}

	@Bean
	WebClient managementWebClient(ResilienceProperties properties, WebClient.Builder builder) {
		return build(upstreamHttpClient("management", properties.management()), builder);
	}

	/**
	 * Discovery, JWKS and the M2M token endpoint: small, rare calls. No resilience
	 * operators wrap them, and the response timeout bounds only each wait between two
	 * reads, not the whole answer (one that trickles in never trips it): each caller
	 * bounds its whole call itself ({@code oidc.OidcEndpoints}, {@code oidc.JwksCache},
	 * {@code directory.ClientCredentialsTokens}).
	 */
	@Bean
	WebClient identityProviderWebClient(ResilienceProperties properties, WebClient.Builder builder) {
		ResilienceProperties.Upstream userinfo = properties.userinfo();
		return build(httpClient("identity-provider", userinfo.connectTimeout(), userinfo.deadline(),
				userinfo.deadline(), 20), builder);
	}

	/**
	 * The client of an upstream whose every call goes through its policy
	 * ({@code upstream.UpstreamPolicy}): the policy's time limiter alone decides that an
	 * attempt took too long (not retried; a change it ends may have been applied), and
	 * the client's own timers keep clear of it. Its wait for a pooled connection ends at
	 * half the attempt timeout, well before the limiter: such a call was never sent, and
	 * is retried as surely unapplied. Its response timeout is only a backstop, at twice
	 * the attempt timeout. Both were as long as the limiter, and whichever fired first
	 * decided: a change that never left was reported as maybe applied, and the client's
	 * response timeout, taken for an outage, sent a change a second time (should it fire
	 * all the same, {@code upstream.UpstreamResponses} rules it as the limiter's).
	 */
	static HttpClient upstreamHttpClient(String name, ResilienceProperties.Upstream settings) {
		Duration attempt = settings.attemptTimeout();
		return httpClient(name, settings.connectTimeout(), attempt.dividedBy(2), attempt.multipliedBy(2),
				settings.maxConnections());
	}

	private static HttpClient httpClient(String name, Duration connectTimeout, Duration connectionWait,
			Duration responseTimeout, int maxConnections) {
		ConnectionProvider pool = ConnectionProvider.builder(name)
			.maxConnections(maxConnections)
			.pendingAcquireTimeout(connectionWait)
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		return HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.responseTimeout(responseTimeout);
	}

	private static WebClient build(HttpClient http, WebClient.Builder builder) {
		return builder.clone()
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(UPSTREAM_ANSWER_MAX_BYTES))
			.build();
	}

}

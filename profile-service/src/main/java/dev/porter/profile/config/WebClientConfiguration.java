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
 * One pooled {@link WebClient} per upstream with connect and response timeouts, each
 * built from Boot's {@link WebClient.Builder} so that it uses the application's
 * {@code JsonMapper} codecs and records {@code http.client.requests} observations, the
 * upstream latency metric.
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
		return build("userinfo", properties.userinfo(), builder);
	}

	@Bean
	WebClient managementWebClient(ResilienceProperties properties, WebClient.Builder builder) {
		return build("management", properties.management(), builder);
	}

	/** Discovery, JWKS and the M2M token endpoint: small, rare calls. */
	@Bean
	WebClient identityProviderWebClient(ResilienceProperties properties, WebClient.Builder builder) {
		ResilienceProperties.Upstream userinfo = properties.userinfo();
		// no resilience operators wrap these calls (Spring Security and the JWKS cache
		// own them), so the whole deadline is their response timeout
		return build("identity-provider", userinfo.connectTimeout(), userinfo.deadline(), 20, builder);
	}

	private static WebClient build(String name, ResilienceProperties.Upstream settings, WebClient.Builder builder) {
		return build(name, settings.connectTimeout(), settings.attemptTimeout(), settings.maxConnections(), builder);
	}

	private static WebClient build(String name, Duration connectTimeout, Duration responseTimeout, int maxConnections,
			WebClient.Builder builder) {
		ConnectionProvider pool = ConnectionProvider.builder(name)
			.maxConnections(maxConnections)
			.pendingAcquireTimeout(responseTimeout)
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		HttpClient http = HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.responseTimeout(responseTimeout);
		return builder.clone()
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(UPSTREAM_ANSWER_MAX_BYTES))
			.build();
	}

}

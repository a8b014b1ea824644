package dev.porter.profile.config;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One pooled {@link WebClient} per upstream with connect and response timeouts; each
 * records {@code http.client.requests} observations, the upstream latency metric.
 */
@Configuration(proxyBeanMethods = false)
class WebClientConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	WebClient userinfoWebClient(ResilienceProperties properties, ObjectProvider<ObservationRegistry> observations,
			JsonMapper mapper) {
		return build("userinfo", properties.userinfo(), observations, mapper);
	}

	@Bean
	WebClient managementWebClient(ResilienceProperties properties, ObjectProvider<ObservationRegistry> observations,
			JsonMapper mapper) {
		return build("management", properties.management(), observations, mapper);
	}

	/** Discovery, JWKS and the M2M token endpoint: small, rare calls. */
	@Bean
	WebClient identityProviderWebClient(ResilienceProperties properties,
			ObjectProvider<ObservationRegistry> observations, JsonMapper mapper) {
		ResilienceProperties.Upstream userinfo = properties.userinfo();
		// no resilience operators wrap these calls (Spring Security and the JWKS cache
		// own
		// them), so the whole deadline is their response timeout
		return build("identity-provider", userinfo.connectTimeout(), userinfo.deadline(), 20, observations, mapper);
	}

	private static WebClient build(String name, ResilienceProperties.Upstream settings,
			ObjectProvider<ObservationRegistry> observations, JsonMapper mapper) {
		return build(name, settings.connectTimeout(), settings.attemptTimeout(), settings.maxConnections(),
				observations, mapper);
	}

	private static WebClient build(String name, Duration connectTimeout, Duration responseTimeout, int maxConnections,
			ObjectProvider<ObservationRegistry> observations, JsonMapper mapper) {
		ConnectionProvider pool = ConnectionProvider.builder(name)
			.maxConnections(maxConnections)
			.pendingAcquireTimeout(responseTimeout)
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		HttpClient http = HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.responseTimeout(responseTimeout);
		return WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).codecs((codecs) -> {
			codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(mapper));
			codecs.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(mapper));
		}).observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP)).build();
	}

}

package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThrottledJwkSourceTests {

	private static final Duration MIN_REFETCH = Duration.ofMinutes(1);

	// Generated once for the class: an RSA key costs a noticeable part of a second.
	private static final RSAKey CURRENT = generate("current");

	private static final RSAKey ROTATED = generate("rotated");

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private ThrottledJwkSource source;

	@BeforeEach
	void start() {
		this.idp.start();
		serve(CURRENT);
		this.source = new ThrottledJwkSource(WebClient.create(), "http://127.0.0.1:" + this.idp.port() + "/jwks",
				MIN_REFETCH, Duration.ofHours(1), this.clock);
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	@Test
	void applyWhenManyConcurrentFirstCallsThenOneFetch() {
		List<JWK> found = Flux.range(0, 10)
			.flatMap((i) -> this.source.apply(naming("current")).collectList())
			.collectList()
			.block()
			.stream()
			.flatMap(List::stream)
			.toList();
		assertThat(found).hasSize(10).allMatch((key) -> key.getKeyID().equals("current"));
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void applyWhenUnknownKidWithinIntervalThenNoKeyAndNoFetch() {
		this.source.apply(naming("current")).collectList().block();
		this.clock.advance(Duration.ofSeconds(59));
		for (int i = 0; i < 20; i++) {
			assertThat(this.source.apply(naming("made-up-" + i)).collectList().block()).isEmpty();
		}
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void applyWhenIdpRotatedKeyAndIntervalPassedThenRefetchedAndNewKeyFound() {
		this.source.apply(naming("current")).collectList().block();
		serve(CURRENT, ROTATED);
		this.clock.advance(MIN_REFETCH);
		List<JWK> found = this.source.apply(naming("rotated")).collectList().block();
		assertThat(found).extracting(JWK::getKeyID).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void applyWhenKnownKidThenServedFromCacheWithoutFetch() {
		this.source.apply(naming("current")).collectList().block();
		this.clock.advance(Duration.ofMinutes(30));
		for (int i = 0; i < 5; i++) {
			this.source.apply(naming("current")).collectList().block();
		}
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void applyWhenFetchFailsThenErrorAndNoNewFetchWithinInterval() {
		this.idp.stubFor(get(urlPathEqualTo("/jwks")).willReturn(aResponse().withStatus(503)));
		assertThatThrownBy(() -> this.source.apply(naming("current")).collectList().block())
			.isInstanceOf(WebClientResponseException.class);
		this.clock.advance(Duration.ofSeconds(30));
		for (int i = 0; i < 5; i++) {
			// An error (answered 503), not "no such key" (400): the token may be genuine,
			// and a 400 tells the IdP not to bother again.
			assertThatThrownBy(() -> this.source.apply(naming("current")).collectList().block())
				.isInstanceOf(IllegalStateException.class);
		}
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void applyWhenIdpRotatedWhileItsKeysUnreachableThenErrorWithinIntervalAndNoNewFetch() {
		this.source.apply(naming("current")).collectList().block();
		this.idp.stubFor(get(urlPathEqualTo("/jwks")).willReturn(aResponse().withStatus(503)));
		this.clock.advance(MIN_REFETCH);
		assertThatThrownBy(() -> this.source.apply(naming("rotated")).collectList().block())
			.isInstanceOf(WebClientResponseException.class);
		this.clock.advance(Duration.ofSeconds(30));
		assertThatThrownBy(() -> this.source.apply(naming("rotated")).collectList().block())
			.isInstanceOf(IllegalStateException.class);
		// The key still known keeps verifying meanwhile.
		assertThat(this.source.apply(naming("current")).collectList().block()).extracting(JWK::getKeyID)
			.containsExactly("current");
		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void applyWhenKeysAskedAgainTheMomentAFetchDeliversAndIntervalPassedThenRefetched() {
		// The second call runs inside the first one's delivery, before the fetch has
		// finished its own bookkeeping: deterministic, where two calls in a row raced it.
		List<JWK> found = this.source.apply(naming("current")).collectList().flatMap((first) -> {
			serve(CURRENT, ROTATED);
			this.clock.advance(MIN_REFETCH);
			return this.source.apply(naming("rotated")).collectList();
		}).block();
		assertThat(found).extracting(JWK::getKeyID).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(2);
	}

	private void serve(RSAKey... keys) {
		List<JWK> published = java.util.Arrays.stream(keys).map((key) -> (JWK) key.toPublicJWK()).toList();
		this.idp.stubFor(get(urlPathEqualTo("/jwks")).willReturn(okJson(new JWKSet(published).toString())));
	}

	private int fetches() {
		return this.idp.countRequestsMatching(getRequestedFor(urlPathEqualTo("/jwks")).build()).getCount();
	}

	/** A token naming key {@code kid} (the source only reads its header). */
	private static SignedJWT naming(String kid) {
		return new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
				new JWTClaimsSet.Builder().subject("s").build());
	}

	private static RSAKey generate(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

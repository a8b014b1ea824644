package dev.porter.profile.oidc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.TestJwts;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token lifetimes are judged on the injected clock, and waits for the IdP's keys run on
 * virtual time: both moved, not waited for.
 */
class LazyJwtDecoderTests {

	private static final String ISSUER = "http://localhost/";

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private final MutableClock clock = new MutableClock();

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private LazyJwtDecoder decoder;

	@BeforeEach
	void start() {
		this.idp.start();
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwks())));
		// Both endpoints given, so no discovery: the configured issuer is the one stated.
		String idp = "http://localhost:" + this.idp.port();
		OidcProperties properties = new OidcProperties(ISSUER, TestJwts.AUDIENCE, idp + "/jwks", idp + "/userinfo",
				Duration.ofSeconds(60), "sub");
		WebClient webClient = WebClient.builder().build();
		this.decoder = new LazyJwtDecoder(properties, new OidcEndpoints(properties, webClient, this.clock), webClient,
				this.clock, this.time);
	}

	@AfterEach
	void stop() {
		this.idp.stop();
		this.time.dispose();
	}

	@Test
	void decodeWhenClockBeforeExpiryThenAccepted() {
		StepVerifier.create(this.decoder.decode(TestJwts.mint(ISSUER, "auth0|a")))
			.expectNextMatches((jwt) -> jwt.getSubject().equals("auth0|a"))
			.verifyComplete();
	}

	@Test
	void decodeWhenClockPastExpiryAndSkewThenRejected() {
		String token = TestJwts.mint(ISSUER, "auth0|a");
		// minted for one hour; the skew is 60 s
		this.clock.advance(Duration.ofHours(1).plusSeconds(61));
		StepVerifier.create(this.decoder.decode(token)).expectError(JwtValidationException.class).verify();
	}

	@Test
	void decodeWhenClockPastExpiryWithinSkewThenAccepted() {
		String token = TestJwts.mint(ISSUER, "auth0|a");
		this.clock.advance(Duration.ofHours(1).plusSeconds(30));
		StepVerifier.create(this.decoder.decode(token)).expectNextCount(1).verifyComplete();
	}

	/**
	 * Keys fetched at t, the IdP publishes a new key at t + 1 s and signs with it at
	 * once: its token at t + 2 s was refused (401) for the 30 s after the fetch. It is
	 * verified with the new key once the next fetch, due at most one interval on, brought
	 * it.
	 */
	@Test
	void decodeWhenTheIdpSignsWithAKeyPublishedJustAfterTheKeysWereFetchedThenAccepted() throws Exception {
		StepVerifier.create(this.decoder.decode(TestJwts.mint(ISSUER, "auth0|a"))).expectNextCount(1).verifyComplete();
		advance(Duration.ofSeconds(1));
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwksAfterRotation())));
		advance(Duration.ofSeconds(1));

		CompletableFuture<Jwt> rotated = this.decoder.decode(TestJwts.mintWithRotatedKey(ISSUER, "auth0|a")).toFuture();
		advance(LazyJwtDecoder.KEYS_MIN_REFETCH);

		assertThat(rotated.get(10, TimeUnit.SECONDS).getSubject()).isEqualTo("auth0|a");
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * A key id nobody published waits for the fetch due at the interval's end like any
	 * other, and is then refused as a bad token (401), not as the IdP's failure (503).
	 */
	@Test
	void decodeWhenTheKeyIsNotTheIdpsAfterTheFetchItWaitedForThenRefusedAsABadToken() {
		StepVerifier.create(this.decoder.decode(TestJwts.mint(ISSUER, "auth0|a"))).expectNextCount(1).verifyComplete();
		advance(Duration.ofSeconds(1));

		CompletableFuture<Jwt> unpublished = this.decoder.decode(TestJwts.mintWithRotatedKey(ISSUER, "auth0|a"))
			.toFuture();
		assertThat(unpublished).as("waiting for the next fetch").isNotDone();
		advance(LazyJwtDecoder.KEYS_MIN_REFETCH);

		assertThat(unpublished).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(BadJwtException.class);
		assertThat(fetches()).isEqualTo(2);
	}

	/** Moves the decoder's clock and the timers its waits run on together. */
	private void advance(Duration duration) {
		this.clock.advance(duration);
		this.time.advanceTimeBy(duration);
	}

	private int fetches() {
		return this.idp.countRequestsMatching(getRequestedFor(urlEqualTo("/jwks")).build()).getCount();
	}

}

package dev.porter.profile.oidc;

import java.net.URI;
import java.time.Clock;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.testsupport.Eventually;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class JwksCacheTests {

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private JwksCache cache;

	@BeforeEach
	void start() {
		this.idp.start();
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwks()).withFixedDelay(200)));
		this.cache = new JwksCache(Mono.just(URI.create("http://localhost:" + this.idp.port() + "/jwks")),
				WebClient.builder().build(), Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofHours(1),
				Clock.systemUTC());
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	private static SignedJWT jwt(String kid) throws Exception {
		SignedJWT jwt = SignedJWT.parse(TestJwts.mint("http://localhost/", "auth0|a"));
		return kid.equals(TestJwts.KID) ? jwt
				: SignedJWT
					.parse(new com.nimbusds.jose.JWSHeader.Builder(jwt.getHeader()).keyID(kid).build().toBase64URL()
							+ "." + jwt.getPayload().toBase64URL() + "." + jwt.getSignature());
	}

	@Test
	void keysWhenManyTokensArriveColdThenOneJwksRequest() throws Exception {
		SignedJWT jwt = jwt(TestJwts.KID);
		StepVerifier.create(Flux.range(0, 50).flatMap((i) -> this.cache.keys(jwt)).count())
			.expectNext(50L)
			.verifyComplete();
		this.idp.verify(1, getRequestedFor(urlEqualTo("/jwks")));
	}

	@Test
	void keysWhenKidUnknownThenRefetchedAtMostOncePerWindow() throws Exception {
		StepVerifier.create(this.cache.keys(jwt(TestJwts.KID))).expectNextCount(1).verifyComplete();
		SignedJWT rotated = jwt("rotated-key");
		// the first fetch is fresh (under 30 s old): no refetch yet, no key
		StepVerifier.create(this.cache.keys(rotated)).verifyComplete();
		this.idp.verify(1, getRequestedFor(urlEqualTo("/jwks")));
	}

	@Test
	void keysWhenKidUnknownAndKeysOlderThanTheWindowThenRefetchedOnceForAllCallers() throws Exception {
		MutableClock clock = new MutableClock();
		JwksCache cache = new JwksCache(Mono.just(URI.create("http://localhost:" + this.idp.port() + "/jwks")),
				WebClient.builder().build(), Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofHours(1),
				clock);
		StepVerifier.create(cache.keys(jwt(TestJwts.KID))).expectNextCount(1).verifyComplete();
		clock.advance(Duration.ofSeconds(31));
		SignedJWT rotated = jwt("rotated-key");

		StepVerifier.create(Flux.range(0, 10).flatMap((i) -> cache.keys(rotated))).verifyComplete();
		StepVerifier.create(cache.keys(rotated)).verifyComplete();

		this.idp.verify(2, getRequestedFor(urlEqualTo("/jwks")));
	}

	@Test
	void keysWhenTtlPassedOnTheClockThenRefetchedOnce() throws Exception {
		MutableClock clock = new MutableClock();
		JwksCache cache = new JwksCache(Mono.just(URI.create("http://localhost:" + this.idp.port() + "/jwks")),
				WebClient.builder().build(), Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofHours(1),
				clock);
		SignedJWT jwt = jwt(TestJwts.KID);
		StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
		clock.advance(Duration.ofMinutes(9));
		StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
		this.idp.verify(1, getRequestedFor(urlEqualTo("/jwks")));
		clock.advance(Duration.ofMinutes(2));
		StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
		// served at once, refetched in the background
		Eventually.await("the keys refetched", Duration.ofSeconds(5),
				() -> this.idp.findAll(getRequestedFor(urlEqualTo("/jwks"))).size() == 2);
	}

	/**
	 * An IdP outage that outlasts the keys' ten minutes: the profiles are still served
	 * from the caches' stale windows, so the tokens must still be validated, and the IdP
	 * is asked once per 30 s, not once per token.
	 */
	@Test
	void keysWhenTtlPassedAndTheIdpFailsThenTheLastKeysServeAndTheIdpIsAskedOncePerWindow() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = jwt(TestJwts.KID);
		idp.up = false;
		idp.clock.advance(Duration.ofMinutes(11));

		StepVerifier.create(Flux.range(0, 5).concatMap((i) -> cache.keys(jwt))).expectNextCount(5).verifyComplete();
		assertThat(idp.calls).as("asked once more").hasValue(2);

		idp.clock.advance(Duration.ofSeconds(31));
		StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
		assertThat(idp.calls).as("asked again after 30 s").hasValue(3);
	}

	/**
	 * An answer without a body is a failure like any other, not a reason to ask again.
	 */
	@Test
	void keysWhenTtlPassedAndTheIdpAnswersWithoutABodyThenTheIdpIsAskedOncePerWindow() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = jwt(TestJwts.KID);
		idp.jwks = "";
		idp.clock.advance(Duration.ofMinutes(11));

		StepVerifier.create(Flux.range(0, 5).concatMap((i) -> cache.keys(jwt))).expectNextCount(5).verifyComplete();
		assertThat(idp.calls).as("asked once more").hasValue(2);
	}

	/** No token waits for an IdP that takes connections and never answers. */
	@Test
	void keysWhenTtlPassedAndTheIdpHangsThenTheLastKeysServeAtOnce() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = jwt(TestJwts.KID);
		idp.hangs = true;
		idp.clock.advance(Duration.ofMinutes(11));

		StepVerifier.create(Flux.range(0, 5).flatMap((i) -> cache.keys(jwt)))
			.expectNextCount(5)
			.expectComplete()
			.verify(Duration.ofSeconds(2));
		assertThat(idp.calls).as("one refetch on its way, for every caller").hasValue(2);
	}

	@Test
	void keysWhenTheStaleWindowPassedAndTheIdpFailsThenJwtException() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = jwt(TestJwts.KID);
		idp.up = false;
		idp.clock.advance(Duration.ofMinutes(10).plus(Duration.ofHours(1)).plusSeconds(1));

		StepVerifier.create(cache.keys(jwt)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
	}

	@Test
	void keysWhenTheIdpAnswersAgainAfterAFailedRefetchThenItsKeysReplaceTheStaleOnes() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = jwt(TestJwts.KID);
		idp.up = false;
		idp.clock.advance(Duration.ofMinutes(11));
		StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
		// the IdP is back, and has withdrawn every key
		idp.up = true;
		idp.jwks = "{\"keys\":[]}";
		idp.clock.advance(Duration.ofSeconds(31));
		StepVerifier.create(cache.keys(jwt)).as("served while the refetch runs").expectNextCount(1).verifyComplete();

		StepVerifier.create(cache.keys(jwt)).verifyComplete();
	}

	/**
	 * Tokens naming a key nobody has, while the IdP's keys cannot be fetched: each
	 * started a JWKS request of its own, one after the other, so anyone could send their
	 * traffic on to the IdP during its trouble. Within 30 s of a failed refetch such a
	 * token gets the failed fetch's answer (keys unavailable) without a request.
	 */
	@Test
	void keysWhenKidUnknownAndItsRefetchFailedThenNoOtherRefetchWithinTheWindow() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT madeUp = jwt("made-up-key");
		idp.up = false;
		idp.clock.advance(Duration.ofSeconds(31));
		StepVerifier.create(cache.keys(madeUp)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		assertThat(idp.calls).as("asked once more").hasValue(2);

		// Not "no such key" (401): the kid may be the IdP's new key, which a fetch would
		// have found but for the IdP's trouble; the same 503 as the failed fetch.
		for (int i = 0; i < 5; i++) {
			StepVerifier.create(cache.keys(madeUp))
				.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class))
				.verify(Duration.ofSeconds(10));
		}
		StepVerifier.create(cache.keys(jwt(TestJwts.KID)))
			.as("the known key still serves")
			.expectNextCount(1)
			.verifyComplete();
		assertThat(idp.calls).as("not asked again within 30 s of the failure").hasValue(2);

		idp.clock.advance(Duration.ofSeconds(31));
		StepVerifier.create(cache.keys(madeUp)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		assertThat(idp.calls).as("asked again after 30 s").hasValue(3);
	}

	/** A failed background refetch counts as well: the IdP was asked moments ago. */
	@Test
	void keysWhenKidUnknownJustAfterTheBackgroundRefetchFailedThenNotRefetched() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		idp.up = false;
		idp.clock.advance(Duration.ofMinutes(11));
		StepVerifier.create(cache.keys(jwt(TestJwts.KID))).expectNextCount(1).verifyComplete();
		assertThat(idp.calls).as("refetched in the background").hasValue(2);

		SignedJWT madeUp = jwt("made-up-key");

		for (int i = 0; i < 5; i++) {
			StepVerifier.create(cache.keys(madeUp))
				.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class))
				.verify(Duration.ofSeconds(10));
		}

		assertThat(idp.calls).hasValue(2);
	}

	/**
	 * The IdP's JWKS endpoint answering at once (or never), each call counted: the
	 * cache's background refetch ends before the call that started it returns.
	 */
	private static final class InstantIdp implements ExchangeFunction {

		final AtomicInteger calls = new AtomicInteger();

		volatile boolean up = true;

		volatile boolean hangs;

		volatile String jwks = TestJwts.jwks();

		@Override
		public Mono<ClientResponse> exchange(ClientRequest request) {
			this.calls.incrementAndGet();
			if (this.hangs) {
				return Mono.never();
			}
			if (!this.up) {
				return Mono.error(new ConnectException("IdP down"));
			}
			return Mono.just(ClientResponse.create(HttpStatus.OK)
				.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
				.body(this.jwks)
				.build());
		}

		final MutableClock clock = new MutableClock();

		/** A cache of this IdP's keys, on its clock, that fetched them once, now. */
		JwksCache primedCache() throws Exception {
			JwksCache cache = new JwksCache(Mono.just(URI.create("http://idp.invalid/jwks")),
					WebClient.builder().exchangeFunction(this).build(), Duration.ofMinutes(10), Duration.ofSeconds(30),
					Duration.ofHours(1), this.clock);
			StepVerifier.create(cache.keys(jwt(TestJwts.KID))).expectNextCount(1).verifyComplete();
			return cache;
		}

	}

	@Test
	void keysWhenJwksUnreachableThenJwtExceptionAndNextCallRetries() throws Exception {
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(serverError()));
		SignedJWT jwt = jwt(TestJwts.KID);
		StepVerifier.create(this.cache.keys(jwt)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwks())));
		StepVerifier.create(this.cache.keys(jwt)).expectNextCount(1).verifyComplete();
	}

	// With no keys yet (a start during an IdP outage) every request answered 503 and
	// nothing was logged.
	@Test
	void keysWhenJwksUnreachableColdThenOneLineForEveryRefusedCaller(CapturedOutput output) throws Exception {
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(serverError()));
		SignedJWT jwt = jwt(TestJwts.KID);
		for (int i = 0; i < 20; i++) {
			StepVerifier.create(this.cache.keys(jwt)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		}
		assertThat(output.getOut().lines().filter((line) -> line.contains("identity provider keys unavailable")))
			.singleElement()
			.asString()
			.contains("status 500");
	}

}

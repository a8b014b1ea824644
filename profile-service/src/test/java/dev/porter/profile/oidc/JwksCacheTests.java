package dev.porter.profile.oidc;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.HeldAnswers;

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

/**
 * The cache on virtual time: its waits for a fetch run on a {@link VirtualTimeScheduler},
 * which {@link #advance} moves on together with its clock, so a test never sleeps. The
 * IdP is a WireMock server on a real socket (a test blocks for the answer to a fetch it
 * let start), or an {@link InstantIdp} answering on the caller's thread.
 */
@ExtendWith(OutputCaptureExtension.class)
class JwksCacheTests {

	private static final Duration TTL = Duration.ofMinutes(10);

	private static final Duration MIN_REFETCH = Duration.ofSeconds(2);

	private static final Duration STALE_FOR = Duration.ofHours(1);

	private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

	private final HeldAnswers held = new HeldAnswers();

	private final WireMockServer idp = new WireMockServer(
			options().dynamicPort().bindAddress("127.0.0.1").extensions(this.held));

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final MutableClock clock = new MutableClock();

	private JwksCache cache;

	@BeforeEach
	void start() {
		this.idp.start();
		serve(TestJwts.jwks());
		this.cache = cache(FETCH_TIMEOUT);
	}

	@AfterEach
	void stop() {
		this.held.releaseAll();
		this.idp.stop();
		this.time.dispose();
	}

	private JwksCache cache(Duration fetchTimeout) {
		return new JwksCache(Mono.just(URI.create("http://127.0.0.1:" + this.idp.port() + "/jwks")),
				WebClient.builder().build(), TTL, MIN_REFETCH, STALE_FOR, fetchTimeout, this.clock, this.time);
	}

	/** Moves the cache's clock and the timers its waits run on together. */
	private void advance(Duration duration) {
		this.clock.advance(duration);
		this.time.advanceTimeBy(duration);
	}

	@Test
	void keysWhenManyTokensArriveColdThenOneJwksRequest() {
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwks()).withFixedDelay(200)));
		SignedJWT jwt = naming(TestJwts.KID);
		StepVerifier.create(Flux.range(0, 50).flatMap((i) -> this.cache.keys(jwt)).count())
			.expectNext(50L)
			.verifyComplete();
		assertThat(fetches()).isEqualTo(1);
	}

	/**
	 * The IdP signs with a new key as soon as it publishes it (Keycloak does), and the
	 * gateway relays the first token so signed at once. Such a token, coming within the
	 * interval of the fetch just before, was refused (401) until the interval ended; it
	 * now waits for the next fetch, due at the interval's end.
	 */
	@Test
	void keysWhenTheIdpPublishesAKeyJustAfterAFetchThenATokenSignedWithItWaitsForTheNextFetchAndIsFound()
			throws Exception {
		primed();
		advance(Duration.ofMillis(500));
		serve(TestJwts.jwksAfterRotation());
		advance(Duration.ofMillis(500));

		CompletableFuture<List<String>> rotated = kids(TestJwts.ROTATED_KID);
		assertThat(rotated).as("waiting for the next fetch").isNotDone();
		assertThat(fetches()).isEqualTo(1);
		advance(MIN_REFETCH.minusSeconds(1));

		assertThat(rotated.get(10, TimeUnit.SECONDS)).containsExactly(TestJwts.ROTATED_KID);
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * A token that comes while a fetch is under way joins it; that fetch may have read
	 * the JWKS just before the IdP published the token's key. It got that fetch's keys,
	 * and a 401; it now waits for the next fetch, which starts after it came.
	 */
	@Test
	void keysWhenATokenJoinsAFetchThatReadTheJwksBeforeItsKeyWasPublishedThenItWaitsForTheNextAndIsFound()
			throws Exception {
		primed();
		advance(MIN_REFETCH.plusSeconds(1));
		HeldAnswer beforeRotation = this.held.add("/jwks", "");
		CompletableFuture<List<String>> madeUp = kids("made-up-key");
		beforeRotation.awaitReached();
		serve(TestJwts.jwksAfterRotation());

		CompletableFuture<List<String>> rotated = kids(TestJwts.ROTATED_KID);
		long timersBefore = this.time.getScheduledTaskCount();
		beforeRotation.release();
		assertThat(madeUp.get(10, TimeUnit.SECONDS)).isEmpty();
		Eventually.await("the new kid answered or waiting for the next fetch", Duration.ofSeconds(10),
				() -> rotated.isDone() || this.time.getScheduledTaskCount() > timersBefore);
		advance(MIN_REFETCH);

		assertThat(rotated.get(10, TimeUnit.SECONDS)).containsExactly(TestJwts.ROTATED_KID);
		assertThat(fetches()).isEqualTo(3);
	}

	/**
	 * Tokens naming keys nobody published (made up, or a typo) each wait for the one
	 * fetch due at the interval's end, and each ends without a key (401) once it came.
	 */
	@Test
	void keysWhenManyTokensNameKeysWeLackWithinOneIntervalThenOneFetchAtItsEndAndNoKeyForThem() throws Exception {
		primed();
		advance(Duration.ofSeconds(1));

		List<CompletableFuture<List<String>>> madeUp = IntStream.range(0, 20)
			.mapToObj((i) -> kids("made-up-" + i))
			.toList();
		assertThat(madeUp).noneMatch(CompletableFuture::isDone);
		advance(MIN_REFETCH.minusSeconds(1));

		for (CompletableFuture<List<String>> answer : madeUp) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * However many tokens name made-up kids, the IdP is asked at most once an interval:
	 * 30 times a minute at 2 s. (An IdP answering at once: no fetch is still under way
	 * when the test moves the time on.)
	 */
	@Test
	void keysWhenAMadeUpKidEveryQuarterSecondForAMinuteThenAtMostOneFetchPerInterval() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		List<CompletableFuture<List<String>>> madeUp = new ArrayList<>();
		for (int quarter = 0; quarter < 240; quarter++) {
			madeUp.add(kids(cache, "made-up-" + quarter));
			advance(Duration.ofMillis(250));
		}
		advance(MIN_REFETCH);

		for (CompletableFuture<List<String>> answer : madeUp) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		// 62 s of virtual time, fetches at least MIN_REFETCH apart: the first and 31
		// more.
		assertThat(idp.calls).hasValueLessThanOrEqualTo(1 + 62 / (int) MIN_REFETCH.toSeconds());
	}

	/**
	 * Waiting tokens hold their requests while they wait: past
	 * {@link JwksCache#MAX_WAITING} at once, a token naming a key we lack is answered at
	 * once as when the keys cannot be fetched (503), not held.
	 */
	@Test
	void keysWhenMoreTokensWaitThanAllowedThenTheNextIsUnavailableAtOnceAndTheWaitersStillServed() throws Exception {
		primed();
		advance(Duration.ofSeconds(1));
		List<CompletableFuture<List<String>>> waiting = IntStream.range(0, JwksCache.MAX_WAITING)
			.mapToObj((i) -> kids("made-up-" + i))
			.toList();

		StepVerifier.create(this.cache.keys(naming("one-too-many")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class))
			.verify(Duration.ofSeconds(10));

		assertThat(waiting).noneMatch(CompletableFuture::isDone);
		advance(MIN_REFETCH);
		for (CompletableFuture<List<String>> answer : waiting) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		// Their places are free again once answered.
		advance(Duration.ofSeconds(1));
		CompletableFuture<List<String>> later = kids("later");
		assertThat(later).isNotDone();
		advance(MIN_REFETCH);
		assertThat(later.get(10, TimeUnit.SECONDS)).isEmpty();
	}

	/**
	 * After a failed fetch, a token naming a key we lack is answered at once as the
	 * failed fetch was (503: the IdP may have its key), without asking the IdP again
	 * within the interval.
	 */
	@Test
	void keysWhenTheLastFetchFailedThenATokenNamingAKeyWeLackIsUnavailableAtOnceWithoutAnotherRequest()
			throws Exception {
		primed();
		advance(MIN_REFETCH.plusSeconds(1));
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(serverError()));
		StepVerifier.create(this.cache.keys(naming(TestJwts.ROTATED_KID)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class))
			.verify(Duration.ofSeconds(10));
		advance(Duration.ofSeconds(1));

		StepVerifier.create(this.cache.keys(naming(TestJwts.ROTATED_KID)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class))
			.verify(Duration.ofSeconds(10));
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * The IdP client's timeouts are each step's (a connection, each read): a JWKS that
	 * trickles in would hold every token waiting for the fetch, far past its caller's
	 * patience.
	 */
	@Test
	void keysWhenTheJwksTricklesInPastTheFetchTimeoutThenUnavailable() {
		JwksCache hasty = cache(Duration.ofMillis(300));
		this.idp
			.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwks()).withChunkedDribbleDelay(10, 5000)));

		StepVerifier.create(hasty.keys(naming(TestJwts.KID)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class)
				.hasRootCauseInstanceOf(TimeoutException.class))
			.verify(Duration.ofSeconds(4));
	}

	@Test
	void keysWhenKidUnknownAndKeysOlderThanTheIntervalThenRefetchedOnceForAllCallers() throws Exception {
		primed();
		serve(TestJwts.jwksAfterRotation());
		advance(MIN_REFETCH.plusSeconds(1));
		SignedJWT rotated = naming(TestJwts.ROTATED_KID);

		StepVerifier.create(Flux.range(0, 10).flatMap((i) -> this.cache.keys(rotated)))
			.expectNextCount(10)
			.expectComplete()
			.verify(Duration.ofSeconds(10));

		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void keysWhenTtlPassedOnTheClockThenRefetchedOnce() throws Exception {
		primed();
		advance(Duration.ofMinutes(9));
		assertThat(kids(TestJwts.KID).get(10, TimeUnit.SECONDS)).containsExactly(TestJwts.KID);
		assertThat(fetches()).isEqualTo(1);
		advance(Duration.ofMinutes(2));
		assertThat(kids(TestJwts.KID).get(10, TimeUnit.SECONDS)).containsExactly(TestJwts.KID);
		// served at once, refetched in the background
		Eventually.await("the keys refetched", Duration.ofSeconds(5), () -> fetches() == 2);
	}

	/**
	 * Keys dated ahead of a clock that stepped back (NTP, a VM restored) are of an age we
	 * cannot tell: they serve, and are refetched in the background as keys past their ttl
	 * are (one interval on, as the clock now counts), or a key the IdP withdrew would
	 * verify for as long again as the clock went back.
	 */
	@Test
	void keysWhenTheClockStepsBackThenKeysDatedAheadServeAndAreRefetchedInTheBackground() throws Exception {
		primed();
		this.clock.advance(Duration.ofHours(-1));
		// The interval since the last fetch, counted from now.
		assertThat(kids(TestJwts.KID).get(10, TimeUnit.SECONDS)).containsExactly(TestJwts.KID);
		advance(MIN_REFETCH);

		assertThat(kids(TestJwts.KID).get(10, TimeUnit.SECONDS)).containsExactly(TestJwts.KID);
		Eventually.await("the keys refetched", Duration.ofSeconds(5), () -> fetches() == 2);
	}

	/**
	 * An IdP outage that outlasts the keys' ten minutes: the profiles are still served
	 * from the caches' stale windows, so the tokens must still be validated, and the IdP
	 * is asked once per interval, not once per token.
	 */
	@Test
	void keysWhenTtlPassedAndTheIdpFailsThenTheLastKeysServeAndTheIdpIsAskedOncePerInterval() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = naming(TestJwts.KID);
		idp.up = false;
		advance(Duration.ofMinutes(11));

		StepVerifier.create(Flux.range(0, 5).concatMap((i) -> cache.keys(jwt))).expectNextCount(5).verifyComplete();
		assertThat(idp.calls).as("asked once more").hasValue(2);

		advance(MIN_REFETCH.plusSeconds(1));
		StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
		assertThat(idp.calls).as("asked again after the interval").hasValue(3);
	}

	/**
	 * Every failed refetch during an outage used to be a log line of its own: 30 a minute
	 * once the interval is 2 s. Once a minute, with a count.
	 */
	@Test
	void keysWhenTtlPassedAndEveryRefetchFailsForAMinuteThenOneLogLine(CapturedOutput output) throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		// This cache's lines name when its keys were fetched; another test's cache, whose
		// late refetch may fail while this output is captured, names another time.
		String thisCaches = "the keys fetched at " + this.clock.instant();
		SignedJWT jwt = naming(TestJwts.KID);
		idp.up = false;
		advance(Duration.ofMinutes(11));

		for (int second = 0; second < 59; second++) {
			StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
			advance(Duration.ofSeconds(1));
		}

		assertThat(idp.calls).as("asked about once an interval").hasValueGreaterThan(10);
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("identity provider keys not refetched") && line.contains(thisCaches)))
			.singleElement()
			.asString()
			.contains("ConnectException");
	}

	/**
	 * An answer without a body is a failure like any other, not a reason to ask again.
	 */
	@Test
	void keysWhenTtlPassedAndTheIdpAnswersWithoutABodyThenTheIdpIsAskedOncePerInterval() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = naming(TestJwts.KID);
		idp.jwks = "";
		advance(Duration.ofMinutes(11));

		StepVerifier.create(Flux.range(0, 5).concatMap((i) -> cache.keys(jwt))).expectNextCount(5).verifyComplete();
		assertThat(idp.calls).as("asked once more").hasValue(2);
	}

	/** No token waits for an IdP that takes connections and never answers. */
	@Test
	void keysWhenTtlPassedAndTheIdpHangsThenTheLastKeysServeAtOnce() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = naming(TestJwts.KID);
		idp.hangs = true;
		advance(Duration.ofMinutes(11));

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
		SignedJWT jwt = naming(TestJwts.KID);
		idp.up = false;
		advance(TTL.plus(STALE_FOR).plusSeconds(1));

		StepVerifier.create(cache.keys(jwt)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
	}

	@Test
	void keysWhenTheIdpAnswersAgainAfterAFailedRefetchThenItsKeysReplaceTheStaleOnes() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT jwt = naming(TestJwts.KID);
		idp.up = false;
		advance(Duration.ofMinutes(11));
		StepVerifier.create(cache.keys(jwt)).expectNextCount(1).verifyComplete();
		// the IdP is back, and has withdrawn every key
		idp.up = true;
		idp.jwks = "{\"keys\":[]}";
		advance(MIN_REFETCH.plusSeconds(1));
		StepVerifier.create(cache.keys(jwt)).as("served while the refetch runs").expectNextCount(1).verifyComplete();

		// lacking it now, the token waits for the next fetch, which has no key for it
		CompletableFuture<List<String>> withdrawn = kids(cache, TestJwts.KID);
		advance(MIN_REFETCH);
		assertThat(withdrawn.get(10, TimeUnit.SECONDS)).isEmpty();
	}

	/**
	 * Tokens naming a key nobody has, while the IdP's keys cannot be fetched: each
	 * started a JWKS request of its own, one after the other, so anyone could send their
	 * traffic on to the IdP during its trouble. Within the interval of a failed refetch
	 * such a token gets the failed fetch's answer (keys unavailable) without a request.
	 */
	@Test
	void keysWhenKidUnknownAndItsRefetchFailedThenNoOtherRefetchWithinTheInterval() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		SignedJWT madeUp = naming("made-up-key");
		idp.up = false;
		advance(MIN_REFETCH.plusSeconds(1));
		StepVerifier.create(cache.keys(madeUp)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		assertThat(idp.calls).as("asked once more").hasValue(2);

		// Not "no such key" (401): the kid may be the IdP's new key, which a fetch would
		// have found but for the IdP's trouble; the same 503 as the failed fetch.
		for (int i = 0; i < 5; i++) {
			StepVerifier.create(cache.keys(madeUp))
				.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class))
				.verify(Duration.ofSeconds(10));
		}
		StepVerifier.create(cache.keys(naming(TestJwts.KID)))
			.as("the known key still serves")
			.expectNextCount(1)
			.verifyComplete();
		assertThat(idp.calls).as("not asked again within the interval of the failure").hasValue(2);

		advance(MIN_REFETCH.plusSeconds(1));
		StepVerifier.create(cache.keys(madeUp)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		assertThat(idp.calls).as("asked again after the interval").hasValue(3);
	}

	/** A failed background refetch counts as well: the IdP was asked moments ago. */
	@Test
	void keysWhenKidUnknownJustAfterTheBackgroundRefetchFailedThenNotRefetched() throws Exception {
		InstantIdp idp = new InstantIdp();
		JwksCache cache = idp.primedCache();
		idp.up = false;
		advance(Duration.ofMinutes(11));
		StepVerifier.create(cache.keys(naming(TestJwts.KID))).expectNextCount(1).verifyComplete();
		assertThat(idp.calls).as("refetched in the background").hasValue(2);

		SignedJWT madeUp = naming("made-up-key");

		for (int i = 0; i < 5; i++) {
			StepVerifier.create(cache.keys(madeUp))
				.expectErrorSatisfies((ex) -> assertThat(ex).isExactlyInstanceOf(JwtException.class))
				.verify(Duration.ofSeconds(10));
		}

		assertThat(idp.calls).hasValue(2);
	}

	@Test
	void keysWhenJwksUnreachableThenJwtExceptionAndNextCallRetries() {
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(serverError()));
		SignedJWT jwt = naming(TestJwts.KID);
		StepVerifier.create(this.cache.keys(jwt)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		serve(TestJwts.jwks());
		StepVerifier.create(this.cache.keys(jwt)).expectNextCount(1).expectComplete().verify(Duration.ofSeconds(10));
	}

	// With no keys yet (a start during an IdP outage) every request answered 503 and
	// nothing was logged.
	@Test
	void keysWhenJwksUnreachableColdThenOneLineForEveryRefusedCaller(CapturedOutput output) {
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(serverError()));
		SignedJWT jwt = naming(TestJwts.KID);
		for (int i = 0; i < 20; i++) {
			StepVerifier.create(this.cache.keys(jwt)).expectError(JwtException.class).verify(Duration.ofSeconds(10));
		}
		assertThat(output.getOut().lines().filter((line) -> line.contains("identity provider keys unavailable")))
			.singleElement()
			.asString()
			.contains("status 500");
	}

	/** The shared cache has fetched the IdP's keys, once, now. */
	private void primed() throws Exception {
		assertThat(kids(TestJwts.KID).get(10, TimeUnit.SECONDS)).containsExactly(TestJwts.KID);
		assertThat(fetches()).isEqualTo(1);
	}

	private void serve(String jwks) {
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(jwks)));
	}

	private CompletableFuture<List<String>> kids(String kid) {
		return kids(this.cache, kid);
	}

	/**
	 * The key ids {@code cache} finds for a token naming {@code kid}, once it answers.
	 */
	private static CompletableFuture<List<String>> kids(JwksCache cache, String kid) {
		return cache.keys(naming(kid)).map(JWK::getKeyID).collectList().toFuture();
	}

	private int fetches() {
		return this.idp.countRequestsMatching(getRequestedFor(urlEqualTo("/jwks")).build()).getCount();
	}

	/** A token naming key {@code kid} (the cache reads only its header). */
	private static SignedJWT naming(String kid) {
		return new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
				new JWTClaimsSet.Builder().subject("auth0|a").build());
	}

	/**
	 * The IdP's JWKS endpoint answering at once (or never), each call counted: the
	 * cache's background refetch ends before the call that started it returns.
	 */
	private final class InstantIdp implements ExchangeFunction {

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

		/**
		 * A cache of this IdP's keys, on the test's time, that fetched them once, now.
		 */
		JwksCache primedCache() {
			JwksCache cache = new JwksCache(Mono.just(URI.create("http://idp.invalid/jwks")),
					WebClient.builder().exchangeFunction(this).build(), TTL, MIN_REFETCH, STALE_FOR, FETCH_TIMEOUT,
					JwksCacheTests.this.clock, JwksCacheTests.this.time);
			StepVerifier.create(cache.keys(naming(TestJwts.KID))).expectNextCount(1).verifyComplete();
			return cache;
		}

	}

}

package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porter.testsupport.ShiftableClock;
import dev.porter.gateway.support.VirtualTimeClock;
import dev.porter.testsupport.Eventually;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

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

/**
 * The source on virtual time: its clock reads the {@link VirtualTimeScheduler} its waits
 * run on, so a test moves both at once and never sleeps. The IdP is a WireMock server on
 * a real socket: a test blocks for the answer to a fetch it let start.
 */
class ThrottledJwkSourceTests {

	private static final Duration MIN_REFETCH = Duration.ofSeconds(5);

	private static final Duration MAX_AGE = Duration.ofHours(1);

	// Generated once for the class: an RSA key costs a noticeable part of a second.
	private static final RSAKey CURRENT = generate("current");

	private static final RSAKey ROTATED = generate("rotated");

	private final HeldJwks held = new HeldJwks();

	private final WireMockServer idp = new WireMockServer(
			options().dynamicPort().bindAddress("127.0.0.1").extensions(this.held));

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final ShiftableClock clock = new ShiftableClock(
			new VirtualTimeClock(this.time, Instant.parse("2026-12-01T12:00:00Z")));

	private ThrottledJwkSource source;

	@BeforeEach
	void start() {
		this.idp.start();
		serve(CURRENT);
		this.source = source(Duration.ofSeconds(10));
	}

	/**
	 * A source on the test's virtual time. Its fetches time out on real time, which a
	 * test moving the virtual time on while a fetch runs must not end early.
	 */
	private ThrottledJwkSource source(Duration fetchTimeout) {
		return new ThrottledJwkSource(WebClient.create(), "http://127.0.0.1:" + this.idp.port() + "/jwks", MIN_REFETCH,
				MAX_AGE, fetchTimeout, this.clock, this.time);
	}

	@AfterEach
	void stop() {
		this.held.release();
		this.idp.stop();
		this.time.dispose();
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

	/**
	 * The attack on a key rotation: an anonymous token with a made-up kid has just made
	 * us fetch, and the IdP then rotates in a key; its first genuine token waits for the
	 * next fetch rather than being refused ("no such key", a 400 after which the IdP
	 * never sends that logout again).
	 */
	@Test
	void applyWhenIdpRotatedJustAfterAMadeUpKidsFetchThenTheNewKidWaitsForTheNextFetchAndIsFound() throws Exception {
		this.source.apply(naming("current")).collectList().block();
		this.time.advanceTimeBy(MIN_REFETCH);
		assertThat(this.source.apply(naming("made-up")).collectList().block()).isEmpty();
		serve(CURRENT, ROTATED);
		this.time.advanceTimeBy(Duration.ofSeconds(1));

		CompletableFuture<List<String>> rotated = kids(naming("rotated"));
		assertThat(fetches()).isEqualTo(2);
		this.time.advanceTimeBy(MIN_REFETCH.minusSeconds(1));

		assertThat(rotated.get(10, TimeUnit.SECONDS)).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(3);
	}

	@Test
	void applyWhenManyUnknownKidsWithinIntervalThenEachWaitsForOneSharedFetchAtItsEndAndFindsNoKey() throws Exception {
		this.source.apply(naming("current")).collectList().block();
		this.time.advanceTimeBy(Duration.ofSeconds(1));

		List<CompletableFuture<List<String>>> madeUp = IntStream.range(0, 20)
			.mapToObj((i) -> kids(naming("made-up-" + i)))
			.toList();
		assertThat(madeUp).noneMatch(CompletableFuture::isDone);
		assertThat(fetches()).isEqualTo(1);
		this.time.advanceTimeBy(MIN_REFETCH.minusSeconds(1));

		for (CompletableFuture<List<String>> answer : madeUp) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * Waiting tokens hold memory while they wait, and their senders need not stay (the
	 * wait goes on without them): past {@link ThrottledJwkSource#MAX_WAITING} at once, a
	 * token with a kid we lack is answered at once as "the keys could not be fetched"
	 * (503, the IdP may send it again), not held.
	 */
	@Test
	void applyWhenMoreTokensWaitThanAllowedThenTheNextIsAnsweredAtOnceAndTheWaitersStillServed() throws Exception {
		this.source.apply(naming("current")).collectList().block();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		List<CompletableFuture<List<String>>> waiting = IntStream.range(0, ThrottledJwkSource.MAX_WAITING)
			.mapToObj((i) -> kids(naming("made-up-" + i)))
			.toList();

		CompletableFuture<List<String>> oneTooMany = kids(naming("one-too-many"));

		assertThat(oneTooMany).isCompletedExceptionally();
		assertThat(waiting).noneMatch(CompletableFuture::isDone);
		this.time.advanceTimeBy(MIN_REFETCH);
		for (CompletableFuture<List<String>> answer : waiting) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		// Their places are free again once answered.
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		CompletableFuture<List<String>> later = kids(naming("later"));
		assertThat(later).isNotDone();
		this.time.advanceTimeBy(MIN_REFETCH);
		assertThat(later.get(10, TimeUnit.SECONDS)).isEmpty();
	}

	/**
	 * However many tokens name made-up kids, the IdP is asked at most once an interval.
	 */
	@Test
	void applyWhenAMadeUpKidEverySecondForAMinuteThenAtMostOneFetchPerInterval() throws Exception {
		this.source.apply(naming("current")).collectList().block();
		List<CompletableFuture<List<String>>> madeUp = new ArrayList<>();
		for (int second = 0; second < 60; second++) {
			madeUp.add(kids(naming("made-up-" + second)));
			this.time.advanceTimeBy(Duration.ofSeconds(1));
		}
		this.time.advanceTimeBy(MIN_REFETCH);

		for (CompletableFuture<List<String>> answer : madeUp) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		// 65 s of virtual time, fetches at least MIN_REFETCH apart: the first and 13
		// more.
		assertThat(fetches()).isLessThanOrEqualTo(1 + 65 / (int) MIN_REFETCH.toSeconds());
	}

	/** A waiter that goes away (the IdP stopped waiting) takes no one's fetch away. */
	@Test
	void applyWhenOneWaiterGoesAwayThenTheSharedFetchStillServesTheOthers() throws Exception {
		this.source.apply(naming("current")).collectList().block();
		serve(CURRENT, ROTATED);
		this.time.advanceTimeBy(Duration.ofSeconds(1));

		Disposable gone = this.source.apply(naming("rotated")).subscribe();
		CompletableFuture<List<String>> staying = kids(naming("rotated"));
		gone.dispose();
		this.time.advanceTimeBy(MIN_REFETCH);

		assertThat(staying.get(10, TimeUnit.SECONDS)).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void applyWhenTheOnlyWaiterGoesAwayThenTheFetchStillRunsAndTheNextTokenFindsItsKey() throws Exception {
		this.source.apply(naming("current")).collectList().block();
		serve(CURRENT, ROTATED);
		this.time.advanceTimeBy(Duration.ofSeconds(1));

		this.source.apply(naming("rotated")).subscribe().dispose();
		this.time.advanceTimeBy(MIN_REFETCH);

		Eventually.await("the fetch made with no one waiting", Duration.ofSeconds(10), () -> fetches() == 2);
		assertThat(kids(naming("rotated")).get(10, TimeUnit.SECONDS)).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * Past their maximum age, even known keys are fetched again: a withdrawn one stops.
	 */
	@Test
	void applyWhenKeysOlderThanMaxAgeThenRefetchedAndAWithdrawnKeyNoLongerFound() {
		this.source.apply(naming("current")).collectList().block();
		serve(ROTATED);
		this.time.advanceTimeBy(MAX_AGE);

		assertThat(this.source.apply(naming("current")).collectList().block()).isEmpty();
		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void applyWhenIdpRotatedKeyAndIntervalPassedThenRefetchedAndNewKeyFound() {
		this.source.apply(naming("current")).collectList().block();
		serve(CURRENT, ROTATED);
		this.time.advanceTimeBy(MIN_REFETCH);
		List<JWK> found = this.source.apply(naming("rotated")).collectList().block();
		assertThat(found).extracting(JWK::getKeyID).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void applyWhenKnownKidThenServedFromCacheWithoutFetch() {
		this.source.apply(naming("current")).collectList().block();
		this.time.advanceTimeBy(Duration.ofMinutes(30));
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
		this.time.advanceTimeBy(MIN_REFETCH.minusSeconds(1));
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
		this.time.advanceTimeBy(MIN_REFETCH);
		assertThatThrownBy(() -> this.source.apply(naming("rotated")).collectList().block())
			.isInstanceOf(WebClientResponseException.class);
		this.time.advanceTimeBy(MIN_REFETCH.minusSeconds(1));
		assertThatThrownBy(() -> this.source.apply(naming("rotated")).collectList().block())
			.isInstanceOf(IllegalStateException.class);
		// The key still known keeps verifying meanwhile.
		assertThat(this.source.apply(naming("current")).collectList().block()).extracting(JWK::getKeyID)
			.containsExactly("current");
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * The attack on a key rotation with a fetch under way: a made-up kid's fetch reads
	 * the JWKS just before the IdP publishes a new key, and the first token signed with
	 * it arrives while that fetch is still on its way. That fetch cannot have the key;
	 * the token waits for the next one rather than being refused with its answer.
	 */
	@Test
	void applyWhenIdpRotatedWhileAMadeUpKidsFetchWasUnderWayThenTheNewKidWaitsForTheNextFetchAndIsFound()
			throws Exception {
		this.source.apply(naming("current")).collectList().block();
		this.time.advanceTimeBy(MIN_REFETCH);
		CompletableFuture<Void> readTheJwks = this.held.hold();
		CompletableFuture<List<String>> madeUp = kids(naming("made-up"));
		readTheJwks.get(10, TimeUnit.SECONDS);
		serve(CURRENT, ROTATED);

		CompletableFuture<List<String>> rotated = kids(naming("rotated"));
		long timersBefore = this.time.getScheduledTaskCount();
		this.held.release();
		assertThat(madeUp.get(10, TimeUnit.SECONDS)).isEmpty();
		Eventually.await("the new kid answered or waiting for the next fetch", Duration.ofSeconds(10),
				() -> rotated.isDone() || this.time.getScheduledTaskCount() > timersBefore);
		this.time.advanceTimeBy(MIN_REFETCH);

		assertThat(rotated.get(10, TimeUnit.SECONDS)).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(3);
	}

	/**
	 * Waiting for the next fetch after one under way still starts at most one fetch an
	 * interval, counted from the start of the one under way.
	 */
	@Test
	void applyWhenManyUnknownKidsJoinAFetchUnderWayThenOneMoreFetchAtTheIntervalsEnd() throws Exception {
		this.source.apply(naming("current")).collectList().block();
		this.time.advanceTimeBy(MIN_REFETCH);
		CompletableFuture<Void> readTheJwks = this.held.hold();
		CompletableFuture<List<String>> first = kids(naming("made-up"));
		readTheJwks.get(10, TimeUnit.SECONDS);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		List<CompletableFuture<List<String>>> joining = IntStream.range(0, 10)
			.mapToObj((i) -> kids(naming("made-up-" + i)))
			.toList();
		long timersBefore = this.time.getScheduledTaskCount();
		this.held.release();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEmpty();
		Eventually.await("the tokens waiting for the next fetch", Duration.ofSeconds(10),
				() -> this.time.getScheduledTaskCount() > timersBefore);

		this.time.advanceTimeBy(MIN_REFETCH.minusSeconds(2));
		assertThat(joining).noneMatch(CompletableFuture::isDone);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		for (CompletableFuture<List<String>> answer : joining) {
			assertThat(answer.get(10, TimeUnit.SECONDS)).isEmpty();
		}
		assertThat(fetches()).isEqualTo(3);
	}

	/**
	 * The wall clock steps back (NTP, a VM restored) after a failed fetch: a fetch is
	 * allowed again one interval on, not only once the clock is back where it was.
	 */
	@Test
	void applyWhenTheClockStepsBackAfterAFailedFetchThenAFetchIsAllowedAgainWithinOneInterval() {
		this.idp.stubFor(get(urlPathEqualTo("/jwks")).willReturn(aResponse().withStatus(503)));
		assertThatThrownBy(() -> this.source.apply(naming("current")).collectList().block())
			.isInstanceOf(WebClientResponseException.class);
		serve(CURRENT);
		this.clock.shift(Duration.ofHours(-1));

		assertThatThrownBy(() -> this.source.apply(naming("current")).collectList().block())
			.isInstanceOf(IllegalStateException.class);
		this.time.advanceTimeBy(MIN_REFETCH);

		assertThat(this.source.apply(naming("current")).collectList().block()).extracting(JWK::getKeyID)
			.containsExactly("current");
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * Keys dated ahead of a clock that stepped back are fetched again within an interval:
	 * a key the IdP withdrew does not live on for as long as the clock went back.
	 */
	@Test
	void applyWhenTheClockStepsBackAfterAFetchThenKeysAreFetchedAgainWithinOneIntervalAndAWithdrawnKeyNoLongerFound() {
		this.source.apply(naming("current")).collectList().block();
		serve(ROTATED);
		this.clock.shift(Duration.ofHours(-1));

		// The interval since the last fetch, counted from now.
		assertThat(this.source.apply(naming("current")).collectList().block()).extracting(JWK::getKeyID)
			.containsExactly("current");
		this.time.advanceTimeBy(MIN_REFETCH);

		assertThat(this.source.apply(naming("current")).collectList().block()).isEmpty();
		assertThat(fetches()).isEqualTo(2);
	}

	/**
	 * The IdP client bounds each step (a connection, each read), not a body that trickles
	 * in, which would hold every token waiting for the fetch.
	 */
	@Test
	void applyWhenTheJwksTricklesInPastTheFetchTimeoutThenErrorAndNoNewFetchWithinInterval() {
		ThrottledJwkSource hasty = source(Duration.ofMillis(300));
		this.idp.stubFor(get(urlPathEqualTo("/jwks"))
			.willReturn(okJson(new JWKSet(CURRENT.toPublicJWK()).toString()).withChunkedDribbleDelay(10, 5000)));

		assertThatThrownBy(() -> hasty.apply(naming("current")).collectList().block())
			.hasRootCauseInstanceOf(TimeoutException.class);
		assertThatThrownBy(() -> hasty.apply(naming("current")).collectList().block())
			.isInstanceOf(IllegalStateException.class);
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void applyWhenKeysAskedAgainTheMomentAFetchDeliversAndIntervalPassedThenRefetched() {
		// The second call runs inside the first one's delivery, before the fetch has
		// finished its own bookkeeping: deterministic, where two calls in a row raced it.
		List<JWK> found = this.source.apply(naming("current")).collectList().flatMap((first) -> {
			serve(CURRENT, ROTATED);
			this.time.advanceTimeBy(MIN_REFETCH);
			return this.source.apply(naming("rotated")).collectList();
		}).block();
		assertThat(found).extracting(JWK::getKeyID).containsExactly("rotated");
		assertThat(fetches()).isEqualTo(2);
	}

	private void serve(RSAKey... keys) {
		List<JWK> published = java.util.Arrays.stream(keys).map((key) -> (JWK) key.toPublicJWK()).toList();
		this.idp.stubFor(get(urlPathEqualTo("/jwks")).willReturn(okJson(new JWKSet(published).toString())));
	}

	/** The key ids found for {@code jwt}, once the source answers. */
	private CompletableFuture<List<String>> kids(SignedJWT jwt) {
		return this.source.apply(jwt).map(JWK::getKeyID).collectList().toFuture();
	}

	private int fetches() {
		return this.idp.countRequestsMatching(getRequestedFor(urlPathEqualTo("/jwks")).build()).getCount();
	}

	/** A token naming key {@code kid} (the source only reads its header). */
	private static SignedJWT naming(String kid) {
		return new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
				new JWTClaimsSet.Builder().subject("s").build());
	}

	/**
	 * Holds the IdP's answer to the next fetch of the JWKS: the fetch is under way, its
	 * answer (what the IdP served when the request came) leaves once released.
	 */
	private static final class HeldJwks implements ResponseDefinitionTransformerV2 {

		private volatile @Nullable CompletableFuture<Void> reached;

		private volatile CompletableFuture<Void> released = CompletableFuture.completedFuture(null);

		/** Holds the next fetch; the future completes once its request has come. */
		CompletableFuture<Void> hold() {
			this.released = new CompletableFuture<>();
			CompletableFuture<Void> reached = new CompletableFuture<>();
			this.reached = reached;
			return reached;
		}

		void release() {
			this.released.complete(null);
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			CompletableFuture<Void> reached = this.reached;
			if (reached != null && reached.complete(null)) {
				// A test that never releases still ends, its fetch timed out.
				this.released.completeOnTimeout(null, 30, TimeUnit.SECONDS).join();
			}
			return event.getResponseDefinition();
		}

		@Override
		public boolean applyGlobally() {
			return true;
		}

		@Override
		public String getName() {
			return "held-jwks";
		}

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

package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.support.TestRegistrations;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.ContextView;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The refresh token grant alone: what it sends, keeps, and how long it waits. */
class IdpRefreshCallTests {

	private static final Instant ISSUED = Instant.parse("2026-12-01T12:00:00Z");

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** The gateway's clock, an hour ahead of the system's. */
	private static final Clock CLOCK = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);

	/** Refuses every ID token: the tests of ID tokens say what they accept. */
	static final RenewedIdTokens NO_ID_TOKENS = new RenewedIdTokens(
			(registration) -> (token) -> Mono.error(new BadJwtException("not in this test")));

	private final AtomicReference<OAuth2RefreshTokenGrantRequest> sent = new AtomicReference<>();

	@Test
	void refreshWhenIdpRenewsTheIdTokenOfTheSameSubThenItIsKept() {
		IdpRefreshCall call = new IdpRefreshCall(answering(withIdToken("id-renewed")), TIMEOUT,
				decodingAsSub("auth0|alice"), CLOCK);

		StepVerifier.create(call.refresh(client("rt-0")))
			.assertNext((fresh) -> assertThat(fresh.idToken().getTokenValue()).isEqualTo("id-renewed"))
			.verifyComplete();
	}

	// OIDC Core 12.2: the sub MUST be the same. The fresh tokens are another user's: the
	// refresh is refused, with what the IdP issued, for the caller to revoke.
	@Test
	void refreshWhenTheRenewedIdTokenNamesAnotherSubThenRefusedWithTheTokensItBrought() {
		IdpRefreshCall call = new IdpRefreshCall(answering(withIdToken("id-other")), TIMEOUT,
				decodingAsSub("auth0|mallory"), CLOCK);

		StepVerifier.create(call.refresh(client("rt-0")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(RefreshedForAnotherUser.class,
					(refused) -> assertThat(refused.fresh().getRefreshToken().getTokenValue()).isEqualTo("rt-1")))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void refreshWhenTheRenewedIdTokenFailsItsChecksThenFreshTokensWithoutIt() {
		IdpRefreshCall call = new IdpRefreshCall(answering(withIdToken("id-forged")), TIMEOUT, NO_ID_TOKENS, CLOCK);

		StepVerifier.create(call.refresh(client("rt-0"))).assertNext((fresh) -> {
			assertThat(fresh.idToken()).isNull();
			assertThat(fresh.client().getAccessToken().getTokenValue()).isEqualTo("at-1");
		}).verifyComplete();
	}

	// The check may fetch the JWKS through the IdP client's busy pool: unbounded, it ran
	// past the refresh lock's lease, and another instance presented the rotated-away
	// refresh token.
	@Test
	void refreshWhenTheRenewedIdTokensCheckHangsThenFreshTokensWithoutItOnceTheCheckIsGivenUp() {
		RenewedIdTokens hanging = new RenewedIdTokens((registration) -> (token) -> Mono.never());

		StepVerifier
			.withVirtualTime(() -> new IdpRefreshCall(answering(withIdToken("id-renewed")), TIMEOUT, hanging, CLOCK)
				.refresh(client("rt-0")))
			.expectSubscription()
			.expectNoEvent(RenewedIdTokens.CHECK_WITHIN.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((fresh) -> {
				assertThat(fresh.idToken()).isNull();
				assertThat(fresh.client().getRefreshToken().getTokenValue()).isEqualTo("rt-1");
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	private static RenewedIdTokens decodingAsSub(String sub) {
		return new RenewedIdTokens((registration) -> (token) -> Mono
			.just(Jwt.withTokenValue(token).header("alg", "RS256").subject(sub).build()));
	}

	private static OAuth2AccessTokenResponse withIdToken(String idToken) {
		return OAuth2AccessTokenResponse.withResponse(response("at-1", "rt-1"))
			.additionalParameters(Map.of("id_token", idToken))
			.build();
	}

	@Test
	void refreshWhenIdpRotatesThenNewTokensAndTheRefreshTokenItWasGivenIsSent() {
		IdpRefreshCall call = new IdpRefreshCall(answering(response("at-1", "rt-1")), TIMEOUT, NO_ID_TOKENS, CLOCK);

		StepVerifier.create(call.refresh(client("rt-0")).map(IdpRefreshCall.Refreshed::client)).assertNext((fresh) -> {
			assertThat(fresh.getAccessToken().getTokenValue()).isEqualTo("at-1");
			assertThat(fresh.getRefreshToken().getTokenValue()).isEqualTo("rt-1");
			assertThat(fresh.getPrincipalName()).isEqualTo("auth0|alice");
		}).verifyComplete();
		assertThat(this.sent.get().getRefreshToken().getTokenValue()).isEqualTo("rt-0");
	}

	@Test
	void refreshWhenGatewayClockDiffersFromTheSystemsThenTheFreshTokenIsDatedOnTheGatewayClock() {
		IdpRefreshCall call = new IdpRefreshCall(answering(response("at-1", "rt-1")), TIMEOUT, NO_ID_TOKENS, CLOCK);

		StepVerifier.create(call.refresh(client("rt-0")).map(IdpRefreshCall.Refreshed::client)).assertNext((fresh) -> {
			assertThat(fresh.getAccessToken().getIssuedAt()).isEqualTo(CLOCK.instant());
			assertThat(fresh.getAccessToken().getExpiresAt()).isEqualTo(CLOCK.instant().plusSeconds(3600));
		}).verifyComplete();
	}

	@Test
	void refreshWhenIdpDoesNotRotateThenKeepsTheRefreshTokenItHas() {
		IdpRefreshCall call = new IdpRefreshCall(answering(response("at-1", null)), TIMEOUT, NO_ID_TOKENS, CLOCK);

		StepVerifier.create(call.refresh(client("rt-0")).map(IdpRefreshCall.Refreshed::client))
			.assertNext((fresh) -> assertThat(fresh.getRefreshToken().getTokenValue()).isEqualTo("rt-0"))
			.verifyComplete();
	}

	@Test
	void refreshWhenIdpStatesNoLifetimeThenTheFreshTokenGetsTheAssumedOne() {
		OAuth2AccessTokenResponse noExpiresIn = OAuth2AccessTokenResponse.withToken("at-1")
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.refreshToken("rt-1")
			.build();
		IdpRefreshCall call = new IdpRefreshCall(answering(noExpiresIn), TIMEOUT, NO_ID_TOKENS, CLOCK);

		StepVerifier.create(call.refresh(client("rt-0")).map(IdpRefreshCall.Refreshed::client))
			.assertNext((fresh) -> assertThat(
					Duration.between(fresh.getAccessToken().getIssuedAt(), fresh.getAccessToken().getExpiresAt()))
				.isEqualTo(dev.porter.common.UnstatedLifetimes.ASSUMED))
			.verifyComplete();
	}

	@Test
	void refreshWhenClientHasNoRefreshTokenThenInvalidGrantWithoutCallingTheIdp() {
		IdpRefreshCall call = new IdpRefreshCall(answering(response("at-1", "rt-1")), TIMEOUT, NO_ID_TOKENS, CLOCK);

		StepVerifier.create(call.refresh(client(null)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(OAuth2AuthorizationException.class)
				.extracting((error) -> ((OAuth2AuthorizationException) error).getError().getErrorCode())
				.isEqualTo(OAuth2ErrorCodes.INVALID_GRANT))
			.verify(Duration.ofSeconds(5));
		assertThat(this.sent).hasNullValue();
	}

	@Test
	void refreshWhenIdpNeverAnswersThenFailsAtTheTimeoutAndNotBefore() {
		StepVerifier
			.withVirtualTime(() -> new IdpRefreshCall(sentAfter(Duration.ZERO), TIMEOUT, NO_ID_TOKENS, CLOCK)
				.refresh(client("rt-0")))
			.expectSubscription()
			.expectNoEvent(TIMEOUT.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));
	}

	// Every pooled connection busy with other IdP calls: the refresh waited for one, and
	// that wait counted against its timeout, so the gateway gave up on a refresh the IdP
	// had just rotated.
	@Test
	void refreshWhenSentOnlyAfterAWaitForAConnectionThenTheTimeoutCountsFromTheSend() {
		Duration connectionWait = IdpRefreshCall.SEND_WITHIN.minusSeconds(1);

		StepVerifier
			.withVirtualTime(() -> new IdpRefreshCall(sentAfter(connectionWait), TIMEOUT, NO_ID_TOKENS, CLOCK)
				.refresh(client("rt-0")))
			.expectSubscription()
			.expectNoEvent(connectionWait.plus(TIMEOUT).minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void refreshWhenNotSentWithinTheSendBoundThenFailsThereAndCanNoLongerBeSent() {
		AtomicReference<ContextView> call = new AtomicReference<>();
		ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> waitingForAConnection = (
				request) -> Mono.deferContextual((context) -> {
					call.set(context);
					return Mono.never();
				});

		StepVerifier
			.withVirtualTime(() -> new IdpRefreshCall(waitingForAConnection, TIMEOUT, NO_ID_TOKENS, CLOCK)
				.refresh(client("rt-0")))
			.expectSubscription()
			.expectNoEvent(IdpRefreshCall.SEND_WITHIN.minusMillis(1))
			.thenAwait(Duration.ofMillis(1))
			.expectError(SentCallTimeout.NotSent.class)
			.verify(Duration.ofSeconds(5));
		assertThatExceptionOfType(SentCallTimeout.NotSent.class).isThrownBy(() -> SentCallTimeout.markSent(call.get()));
	}

	/**
	 * An IdP that gets the refresh once {@code wait} (for a connection) has passed, and
	 * never answers it.
	 */
	private static ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> sentAfter(Duration wait) {
		return (request) -> Mono.deferContextual(
				(context) -> Mono.delay(wait).doOnNext((tick) -> SentCallTimeout.markSent(context)).then(Mono.never()));
	}

	private ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> answering(
			OAuth2AccessTokenResponse response) {
		return (request) -> {
			this.sent.set(request);
			return Mono.just(response);
		};
	}

	private static OAuth2AccessTokenResponse response(String accessToken, String refreshToken) {
		OAuth2AccessTokenResponse.Builder response = OAuth2AccessTokenResponse.withToken(accessToken)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(3600);
		return ((refreshToken != null) ? response.refreshToken(refreshToken) : response).build();
	}

	private static OAuth2AuthorizedClient client(String refreshToken) {
		return new OAuth2AuthorizedClient(TestRegistrations.gateway(), "auth0|alice",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-0", ISSUED, ISSUED.plusSeconds(300)),
				(refreshToken != null) ? new OAuth2RefreshToken(refreshToken, ISSUED) : null);
	}

}

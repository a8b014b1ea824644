package dev.porter.devidp.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porter.testsupport.ShiftableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization store as Spring Authorization Server drives it through one login:
 * saved with its code, saved again with tokens, again at each refresh. What nothing can
 * use any more (every token expired on the store's clock) is forgotten; everything else
 * is found by each of its tokens.
 */
class ConcurrentAuthorizationsTests {

	private static final RegisteredClient CLIENT = RegisteredClient.withId("gateway")
		.clientId("porter-gateway")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://localhost:8080/login/oauth2/code/auth0")
		.build();

	private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

	private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

	private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType(OidcParameterNames.ID_TOKEN);

	private static final Duration CODE_TTL = Duration.ofMinutes(5);

	private static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(10);

	private static final Duration ID_TOKEN_TTL = Duration.ofMinutes(30);

	private static final Duration REFRESH_TOKEN_TTL = Duration.ofHours(1);

	// Stands still, so that a token is checked exactly where a test puts it.
	private final ShiftableClock clock = new ShiftableClock(Clock.fixed(Instant.now(), ZoneOffset.UTC));

	private final ConcurrentAuthorizations authorizations = new ConcurrentAuthorizations(this.clock);

	@Test
	void saveWhenAnUnfinishedLoginsCodeHasExpiredThenThatLoginIsForgotten() {
		this.authorizations.save(awaitingExchange("abandoned", "code-abandoned"));
		this.clock.shift(CODE_TTL.plusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertThat(this.authorizations.findById("abandoned")).isNull();
		assertThat(this.authorizations.findByToken("code-abandoned", CODE)).isNull();
		assertThat(this.authorizations.findById("later")).isNotNull();
	}

	@Test
	void saveWhenEveryTokenOfASessionHasExpiredThenThatSessionIsForgotten() {
		this.authorizations.save(awaitingExchange("ended", "code-ended"));
		this.authorizations.save(exchanged("ended", "ended"));
		this.clock.shift(REFRESH_TOKEN_TTL.plusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertThat(this.authorizations.findById("ended")).isNull();
		assertThat(this.authorizations.findByToken("refresh-ended", OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(this.authorizations.findByToken("access-ended", null)).isNull();
	}

	@Test
	void saveWhenOnlyTheRefreshTokenIsStillValidThenTheSessionIsKeptAndFoundByEachToken() {
		this.authorizations.save(awaitingExchange("a", "code-a"));
		this.authorizations.save(exchanged("a", "a"));
		this.clock.shift(REFRESH_TOKEN_TTL.minusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertThat(this.authorizations.findById("a")).isNotNull();
		assertFoundBy("code-a", CODE, "a");
		assertFoundBy("access-a", OAuth2TokenType.ACCESS_TOKEN, "a");
		assertFoundBy("refresh-a", OAuth2TokenType.REFRESH_TOKEN, "a");
		assertFoundBy("id-a", ID_TOKEN, "a");
		assertFoundBy("refresh-a", null, "a");
	}

	@Test
	void saveWhenOnlyTheAccessTokenIsStillValidThenTheLoginIsKept() {
		this.authorizations.save(awaitingExchange("a", "code-a"));
		this.authorizations
			.save(OAuth2Authorization.from(this.authorizations.findById("a")).token(accessToken("access-a")).build());
		this.clock.shift(ACCESS_TOKEN_TTL.minusSeconds(1));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertFoundBy("access-a", OAuth2TokenType.ACCESS_TOKEN, "a");
	}

	@Test
	void saveWhenATokenHasNoExpiryThenItsAuthorizationIsNeverForgotten() {
		OAuth2RefreshToken forever = new OAuth2RefreshToken("refresh-forever", this.clock.instant(), null);
		this.authorizations.save(authorization("forever").token(accessToken("access-forever")).token(forever).build());
		this.clock.shift(Duration.ofDays(365));

		this.authorizations.save(awaitingExchange("later", "code-later"));

		assertFoundBy("refresh-forever", OAuth2TokenType.REFRESH_TOKEN, "forever");
	}

	@Test
	void findByTokenWhenThousandsOfLoginsHeldThenOnlyTheOneCarryingTheTokenIsRead() {
		List<ReadCountingAuthorization> logins = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			ReadCountingAuthorization login = new ReadCountingAuthorization(
					OAuth2Authorization.from(awaitingExchange("login-" + i, "code-" + i))
						.token(accessToken("access-" + i))
						.build());
			this.authorizations.save(login);
			logins.add(login);
		}
		logins.forEach(ReadCountingAuthorization::forgetReads);

		OAuth2Authorization found = this.authorizations.findByToken("access-1234", OAuth2TokenType.ACCESS_TOKEN);

		assertThat(found).isSameAs(logins.get(1234));
		assertThat(logins.stream().filter((login) -> login != found).mapToInt(ReadCountingAuthorization::reads).sum())
			.as("reads of the other logins")
			.isZero();
	}

	@Test
	void findByTokenWhenRefreshTokenRotatedThenTheOldOneFindsNothingAndTheNewOneTheSession() {
		this.authorizations.save(awaitingExchange("a", "code-a"));
		this.authorizations.save(exchanged("a", "a"));
		Instant now = this.clock.instant();

		this.authorizations.save(OAuth2Authorization.from(this.authorizations.findById("a"))
			.token(accessToken("access-renewed"))
			.token(new OAuth2RefreshToken("refresh-rotated", now, now.plus(REFRESH_TOKEN_TTL)))
			.build());

		assertThat(this.authorizations.findByToken("refresh-a", OAuth2TokenType.REFRESH_TOKEN)).isNull();
		assertThat(this.authorizations.findByToken("refresh-a", null)).isNull();
		assertFoundBy("refresh-rotated", OAuth2TokenType.REFRESH_TOKEN, "a");
		assertThat(this.authorizations.indexedTokens())
			.as("code, id token, new access and refresh token, the replaced access token until its exp")
			.isEqualTo(5);
	}

	@Test
	void findByTokenWhenStateGaveWayToACodeThenTheStateFindsNothing() {
		this.authorizations.save(authorization("a").attribute(OAuth2ParameterNames.STATE, "state-a").build());
		Instant now = this.clock.instant();

		this.authorizations.save(OAuth2Authorization.from(this.authorizations.findById("a"))
			.attributes((attributes) -> attributes.remove(OAuth2ParameterNames.STATE))
			.token(new OAuth2AuthorizationCode("code-a", now, now.plus(CODE_TTL)))
			.build());

		assertThat(this.authorizations.findByToken("state-a", STATE)).isNull();
		assertFoundBy("code-a", CODE, "a");
		assertThat(this.authorizations.indexedTokens()).isOne();
	}

	@Test
	void findByTokenWhenAskedForAnotherTypeThenNothing() {
		this.authorizations.save(awaitingExchange("a", "code-a"));
		this.authorizations.save(exchanged("a", "a"));

		assertThat(this.authorizations.findByToken("refresh-a", OAuth2TokenType.ACCESS_TOKEN)).isNull();
		assertThat(this.authorizations.findByToken("code-a", STATE)).isNull();
	}

	@Test
	void removeWhenRemovedThenNoneOfItsTokensFindsIt() {
		this.authorizations.save(awaitingExchange("a", "code-a"));
		this.authorizations.save(exchanged("a", "a"));

		this.authorizations.remove(this.authorizations.findById("a"));

		assertThat(this.authorizations.findById("a")).isNull();
		for (String token : List.of("code-a", "access-a", "refresh-a", "id-a")) {
			assertThat(this.authorizations.findByToken(token, null)).as(token).isNull();
		}
		assertThat(this.authorizations.indexedTokens()).isZero();
	}

	@Test
	void removeWhenAnOlderVersionIsRemovedThenTheNewerOneStaysFoundByItsTokens() {
		OAuth2Authorization older = awaitingExchange("a", "code-a");
		this.authorizations.save(older);
		this.authorizations.save(exchanged("a", "a"));

		this.authorizations.remove(older);

		assertFoundBy("code-a", CODE, "a");
		assertFoundBy("refresh-a", OAuth2TokenType.REFRESH_TOKEN, "a");
	}

	@Test
	void findByTokenWhenTwoLoginsGotTheSameAccessTokenAndOneIsRemovedThenTheOtherIsFound() {
		this.authorizations.save(authorization("a").token(accessToken("same-second")).build());
		this.authorizations.save(authorization("b").token(accessToken("same-second")).build());

		this.authorizations.remove(this.authorizations.findById("b"));

		assertFoundBy("same-second", OAuth2TokenType.ACCESS_TOKEN, "a");
	}

	@Test
	void saveWhenOneAuthorizationIsSavedConcurrentlyThenOnlyTheTokensOfTheVersionKeptFindIt() throws Exception {
		int threads = 8;
		int savesPerThread = 500;
		this.authorizations.save(awaitingExchange("a", "code-a"));
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				try {
					start.await();
					for (int i = 0; i < savesPerThread; i++) {
						Instant now = this.clock.instant();
						this.authorizations.save(
								authorization("a")
									.token(new OAuth2RefreshToken("refresh-" + thread + "-" + i, now,
											now.plus(REFRESH_TOKEN_TTL)))
									.build());
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			worker.start();
			workers.add(worker);
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}

		assertThat(failures).isEmpty();
		String kept = this.authorizations.findById("a").getRefreshToken().getToken().getTokenValue();
		assertFoundBy(kept, OAuth2TokenType.REFRESH_TOKEN, "a");
		assertThat(this.authorizations.findByToken("code-a", CODE)).isNull();
		assertThat(this.authorizations.indexedTokens()).as("only the kept refresh token").isOne();
	}

	private void assertFoundBy(String token, @Nullable OAuth2TokenType type, String id) {
		OAuth2Authorization found = this.authorizations.findByToken(token, type);
		assertThat(found).as("found by %s as %s", token, type).isNotNull();
		assertThat(found.getId()).isEqualTo(id);
	}

	/** After {@code /authorize}: the code, waiting for its exchange. */
	private OAuth2Authorization awaitingExchange(String id, String code) {
		Instant now = this.clock.instant();
		return authorization(id).token(new OAuth2AuthorizationCode(code, now, now.plus(CODE_TTL))).build();
	}

	/**
	 * After the code exchange: the same authorization with its tokens, named after it.
	 */
	private OAuth2Authorization exchanged(String id, String name) {
		Instant now = this.clock.instant();
		OidcIdToken idToken = OidcIdToken.withTokenValue("id-" + name)
			.subject("auth0|alice")
			.issuedAt(now)
			.expiresAt(now.plus(ID_TOKEN_TTL))
			.build();
		return OAuth2Authorization.from(this.authorizations.findById(id))
			.token(accessToken("access-" + name))
			.token(new OAuth2RefreshToken("refresh-" + name, now, now.plus(REFRESH_TOKEN_TTL)))
			.token(idToken)
			.build();
	}

	private OAuth2AccessToken accessToken(String value) {
		Instant now = this.clock.instant();
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, now, now.plus(ACCESS_TOKEN_TTL));
	}

	/**
	 * An authorization that counts how often its tokens and attributes are read: what a
	 * lookup that walks every authorization would show.
	 */
	private static final class ReadCountingAuthorization extends OAuth2Authorization {

		private final OAuth2Authorization authorization;

		private final AtomicInteger reads = new AtomicInteger();

		ReadCountingAuthorization(OAuth2Authorization authorization) {
			this.authorization = authorization;
		}

		int reads() {
			return this.reads.get();
		}

		void forgetReads() {
			this.reads.set(0);
		}

		@Override
		public String getId() {
			return this.authorization.getId();
		}

		@Override
		public String getRegisteredClientId() {
			return this.authorization.getRegisteredClientId();
		}

		@Override
		public String getPrincipalName() {
			return this.authorization.getPrincipalName();
		}

		@Override
		public AuthorizationGrantType getAuthorizationGrantType() {
			return this.authorization.getAuthorizationGrantType();
		}

		@Override
		public Set<String> getAuthorizedScopes() {
			return this.authorization.getAuthorizedScopes();
		}

		@Override
		public <T extends OAuth2Token> @Nullable Token<T> getToken(Class<T> tokenType) {
			this.reads.incrementAndGet();
			return this.authorization.getToken(tokenType);
		}

		@Override
		public <T extends OAuth2Token> @Nullable Token<T> getToken(String tokenValue) {
			this.reads.incrementAndGet();
			return this.authorization.getToken(tokenValue);
		}

		@Override
		public Map<String, Object> getAttributes() {
			this.reads.incrementAndGet();
			return this.authorization.getAttributes();
		}

		@Override
		public <T> @Nullable T getAttribute(String name) {
			this.reads.incrementAndGet();
			return this.authorization.getAttribute(name);
		}

	}

	private static OAuth2Authorization.Builder authorization(String id) {
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(id)
			.principalName("auth0|alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE);
	}

}

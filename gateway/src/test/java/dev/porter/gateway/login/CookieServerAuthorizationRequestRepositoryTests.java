package dev.porter.gateway.login;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;

import static org.assertj.core.api.Assertions.assertThat;

class CookieServerAuthorizationRequestRepositoryTests {

	private static final String PREFIX = "__Host-porter-session-login-";

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private final CookieServerAuthorizationRequestRepository repository = repository("client-secret");

	/** The browser's cookies, as the answers so far left them. */
	private final Map<String, String> jar = new LinkedHashMap<>();

	@Test
	void loadWhenSavedThenSameStateRedirectUriAndAttributes() {
		save(request());

		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("the-state"))).assertNext((loaded) -> {
			assertThat(loaded.getState()).isEqualTo("the-state");
			assertThat(loaded.getRedirectUri()).isEqualTo("http://localhost:8080/login/oauth2/code/auth0");
			assertThat(loaded.getScopes()).containsExactlyInAnyOrder("openid", "profile");
			assertThat(loaded.<String>getAttribute(PkceParameterNames.CODE_VERIFIER)).isEqualTo("the-verifier");
			assertThat(loaded.<String>getAttribute(LoginSessionAttributes.RETURN_TO)).isEqualTo("/profile");
		}).verifyComplete();
	}

	@Test
	void saveWhenSavedThenCookieIsHttpOnlySecureLaxAndLivesTheTimeout() {
		ResponseCookie cookie = save(request());

		assertThat(cookie.getName()).startsWith(PREFIX).doesNotContain("the-state");
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.isSecure()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(cookie.getPath()).isEqualTo("/");
		assertThat(cookie.getDomain()).isNull();
		assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofMinutes(5));
		assertThat(cookie.getValue()).doesNotContain("the-state").doesNotContain("the-verifier");
	}

	@Test
	void saveWhenReturnToIsTheLongestAllowedThenCookieFitsTheBrowsersLimit() {
		String longest = "/" + "a".repeat(2047);

		ResponseCookie cookie = save(request("the-state", longest));

		// RFC 6265 §6.1: browsers keep at least 4096 bytes of name and value
		assertThat(size(cookie)).isLessThanOrEqualTo(CookieServerAuthorizationRequestRepository.MAX_PENDING_BYTES)
			.isLessThanOrEqualTo(4096);
		assertThat(ReturnTo.parse(longest)).isNotNull();
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("the-state")))
			.assertNext((loaded) -> assertThat(loaded.<String>getAttribute(LoginSessionAttributes.RETURN_TO))
				.isEqualTo(longest))
			.verifyComplete();
	}

	@ParameterizedTest
	@ValueSource(strings = { "é", "語", "😀", "%C3%A9" })
	void saveWhenReturnToIsNonAsciiThenEveryAcceptedOneFitsTheBrowsersLimit(String unit) {
		// the longest run of this unit ReturnTo still accepts: a crafted link must not be
		// able to make the login cookie too big for the browser to keep
		String longest = "/";
		while (ReturnTo.parse(longest + unit) != null) {
			longest += unit;
		}

		ResponseCookie cookie = save(request("the-state", longest));

		assertThat(longest.length()).as("some of it is accepted").isGreaterThan(1);
		assertThat(size(cookie)).isLessThanOrEqualTo(CookieServerAuthorizationRequestRepository.MAX_PENDING_BYTES);
	}

	@Test
	void loadWhenOlderThanTimeoutThenEmpty() {
		save(request());
		this.clock.advance(Duration.ofMinutes(5));

		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("the-state"))).verifyComplete();
	}

	@Test
	void loadWhenJustBeforeTimeoutThenLoaded() {
		save(request());
		this.clock.advance(Duration.ofMinutes(5).minusSeconds(1));

		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("the-state")))
			.expectNextCount(1)
			.verifyComplete();
	}

	@Test
	void loadWhenCookieAlteredThenEmpty() {
		String name = save(request()).getName();
		String value = this.jar.get(name);
		char last = value.charAt(value.length() - 2);
		this.jar.put(name, value.substring(0, value.length() - 2) + ((last == 'A') ? 'B' : 'A')
				+ value.charAt(value.length() - 1));

		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("the-state"))).verifyComplete();

		this.jar.put(name, "not-base64-!");
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("the-state"))).verifyComplete();
	}

	/** A sealed login moved under another login's name does not open there. */
	@Test
	void loadWhenAPendingLoginIsMovedUnderAnotherNameThenEmpty() {
		String first = save(request("state-1", "/one")).getName();
		String second = save(request("state-2", "/two")).getName();
		this.jar.put(second, this.jar.get(first));

		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-2"))).verifyComplete();
	}

	@Test
	void loadWhenSealedByGatewayWithAnotherSecretThenEmpty() {
		save(request());

		StepVerifier.create(repository("another-secret").loadAuthorizationRequest(callback("the-state")))
			.verifyComplete();
	}

	@Test
	void loadWhenSealedByAnotherInstanceWithSameSecretThenLoaded() {
		save(request());

		StepVerifier.create(repository("client-secret").loadAuthorizationRequest(callback("the-state")))
			.expectNextCount(1)
			.verifyComplete();
	}

	@Test
	void removeWhenPresentThenReturnsRequestExpiresCookieAndRemembersItForTheSuccessHandler() {
		String name = save(request()).getName();
		MockServerWebExchange callback = callback("the-state");

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).expectNextCount(1).verifyComplete();

		assertThat(expired(callback)).containsExactly(name);
		assertThat(CookieServerAuthorizationRequestRepository.completed(callback)).isNotNull()
			.extracting(OAuth2AuthorizationRequest::getState)
			.isEqualTo("the-state");
	}

	/** A pending login whose cookie no longer opens is of no use to anyone: it goes. */
	@Test
	void removeWhenTheStatesCookieIsAlteredThenEmptyAndOnlyThatCookieExpires() {
		String other = save(request("state-1", "/one")).getName();
		String name = save(request("state-2", "/two")).getName();
		this.jar.put(name, "altered");
		MockServerWebExchange callback = callback("state-2");

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).verifyComplete();

		assertThat(expired(callback)).containsExactly(name).doesNotContain(other);
	}

	/**
	 * A stale tab, or another site navigating the browser to the callback with a state of
	 * its choosing, must not cost the browser its pending login.
	 */
	@Test
	void removeWhenCallbackStateDiffersThenEmptyAndCookieKept() {
		save(request());
		MockServerWebExchange callback = callback("another-state");

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).verifyComplete();

		assertThat(callback.getResponse().getCookies()).isEmpty();
		assertThat(CookieServerAuthorizationRequestRepository.completed(callback)).isNull();
	}

	@Test
	void removeWhenCallbackHasNoStateThenEmptyAndCookieKept() {
		save(request());
		MockServerWebExchange callback = MockServerWebExchange
			.from(withJar(MockServerHttpRequest.get("/login/oauth2/code/auth0")));

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).verifyComplete();

		assertThat(callback.getResponse().getCookies()).isEmpty();
	}

	@Test
	void loadWhenCallbackStateDiffersThenEmpty() {
		save(request());

		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("another-state"))).verifyComplete();
	}

	@Test
	void removeWhenNoCookieThenEmptyAndNothingRemembered() {
		MockServerWebExchange callback = callback("the-state");

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).verifyComplete();

		assertThat(CookieServerAuthorizationRequestRepository.completed(callback)).isNull();
		assertThat(callback.getResponse().getCookies()).isEmpty();
	}

	/**
	 * "Sign in" in one tab, then in another: the second login is kept beside the first,
	 * and each tab's callback finds its own.
	 */
	@Test
	void saveWhenAnotherLoginIsPendingThenBothAreKeptAndEachCallbackFindsItsOwn() {
		ResponseCookie first = save(request("state-1", "/one"));
		ResponseCookie second = save(request("state-2", "/two"));

		assertThat(second.getName()).isNotEqualTo(first.getName());
		assertThat(this.jar).containsOnlyKeys(first.getName(), second.getName());
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-1")))
			.assertNext((loaded) -> assertThat(loaded.<String>getAttribute(LoginSessionAttributes.RETURN_TO))
				.isEqualTo("/one"))
			.verifyComplete();
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-2")))
			.assertNext((loaded) -> assertThat(loaded.<String>getAttribute(LoginSessionAttributes.RETURN_TO))
				.isEqualTo("/two"))
			.verifyComplete();
	}

	@Test
	void removeWhenTwoLoginsArePendingThenOnlyTheCompletedOnesCookieExpires() {
		String first = save(request("state-1", "/one")).getName();
		String second = save(request("state-2", "/two")).getName();
		MockServerWebExchange callback = callback("state-1");

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).expectNextCount(1).verifyComplete();

		assertThat(expired(callback)).containsExactly(first);
		keep(callback);
		assertThat(this.jar).containsOnlyKeys(second);
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-2")))
			.expectNextCount(1)
			.verifyComplete();
	}

	/**
	 * Each pending login rides on every request of the browser until it completes or
	 * times out: past {@link CookieServerAuthorizationRequestRepository#MAX_PENDING}, the
	 * oldest goes.
	 */
	@Test
	void saveWhenAsManyArePendingAsKeptThenTheOldestIsDropped() {
		int kept = CookieServerAuthorizationRequestRepository.MAX_PENDING;
		for (int i = 0; i <= kept; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			save(request("state-" + i, "/" + i));
		}

		assertThat(this.jar).hasSize(kept);
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-0"))).verifyComplete();
		for (int i = 1; i <= kept; i++) {
			StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-" + i)))
				.expectNextCount(1)
				.verifyComplete();
		}
	}

	/**
	 * Logins with long {@code returnTo}s (a crafted link followed a few times): together
	 * their cookies never weigh more than one login's largest, so that the browser's
	 * requests stay within the gateway's header limit (8 KiB) and it keeps them all.
	 */
	@Test
	void saveWhenThePendingLoginsWouldPassTheSizeBudgetThenTheOldestAreDropped() {
		String longest = "/" + "a".repeat(2047);
		save(request("state-0", "/short"));
		this.clock.advance(Duration.ofSeconds(1));
		save(request("state-1", longest));
		this.clock.advance(Duration.ofSeconds(1));
		save(request("state-2", longest));

		assertThat(this.jar.entrySet()).as("the pending logins' cookies together")
			.map((cookie) -> cookie.getKey().length() + cookie.getValue().length())
			.satisfies((sizes) -> assertThat(sizes.stream().mapToInt(Integer::intValue).sum())
				.isLessThanOrEqualTo(CookieServerAuthorizationRequestRepository.MAX_PENDING_BYTES));
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-2")))
			.expectNextCount(1)
			.verifyComplete();
		StepVerifier.create(this.repository.loadAuthorizationRequest(callback("state-0"))).verifyComplete();
	}

	/** A pending login that timed out or does not open is cleared by the next start. */
	@Test
	void saveWhenAPendingCookieNoLongerOpensOrTimedOutThenTheNextLoginClearsIt() {
		String old = save(request("state-0", "/zero")).getName();
		this.clock.advance(Duration.ofMinutes(5));
		this.jar.put(PREFIX + "00000000", "garbage");

		MockServerWebExchange login = loginExchange();
		StepVerifier.create(this.repository.saveAuthorizationRequest(request("state-1", "/one"), login))
			.verifyComplete();

		assertThat(expired(login)).containsExactlyInAnyOrder(old, PREFIX + "00000000");
	}

	private ResponseCookie save(OAuth2AuthorizationRequest request) {
		MockServerWebExchange login = loginExchange();
		StepVerifier.create(this.repository.saveAuthorizationRequest(request, login)).verifyComplete();
		List<ResponseCookie> set = login.getResponse()
			.getCookies()
			.values()
			.stream()
			.flatMap(List::stream)
			.filter((cookie) -> !cookie.getMaxAge().isZero())
			.toList();
		assertThat(set).hasSize(1);
		keep(login);
		return set.get(0);
	}

	private MockServerWebExchange loginExchange() {
		return MockServerWebExchange.from(withJar(MockServerHttpRequest.get("/bff/login")));
	}

	/** The callback of a saved request with {@code state}, with the browser's cookies. */
	private MockServerWebExchange callback(String state) {
		return MockServerWebExchange.from(withJar(MockServerHttpRequest.get("/login/oauth2/code/auth0")
			.queryParam("code", "the-code")
			.queryParam("state", state)));
	}

	private MockServerHttpRequest withJar(MockServerHttpRequest.BaseBuilder<?> request) {
		this.jar.forEach((name, value) -> request.cookie(new HttpCookie(name, value)));
		return request.build();
	}

	/** What the browser does with the cookies an answer sets. */
	private void keep(MockServerWebExchange exchange) {
		exchange.getResponse().getCookies().forEach((name, cookies) -> cookies.forEach((cookie) -> {
			if (cookie.getMaxAge().isZero()) {
				this.jar.remove(name);
			}
			else {
				this.jar.put(name, cookie.getValue());
			}
		}));
	}

	private static List<String> expired(MockServerWebExchange exchange) {
		return exchange.getResponse()
			.getCookies()
			.values()
			.stream()
			.flatMap(List::stream)
			.filter((cookie) -> cookie.getMaxAge().isZero())
			.map(ResponseCookie::getName)
			.toList();
	}

	private static int size(ResponseCookie cookie) {
		return cookie.getName().length() + cookie.getValue().length();
	}

	private CookieServerAuthorizationRequestRepository repository(String secret) {
		return new CookieServerAuthorizationRequestRepository(PREFIX, true, Duration.ofMinutes(5),
				new LoginRequestCipher(secret), JsonMapper.builder().build(), this.clock);
	}

	private static OAuth2AuthorizationRequest request() {
		return request("the-state", "/profile");
	}

	private static OAuth2AuthorizationRequest request(String state, String returnTo) {
		return OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("http://localhost:9000/authorize")
			.clientId("porter-gateway")
			.redirectUri("http://localhost:8080/login/oauth2/code/auth0")
			.scopes(Set.of("openid", "profile"))
			.state(state)
			.additionalParameters(Map.of("audience", "https://porter.example/api"))
			.attributes((attributes) -> {
				attributes.put("registration_id", "auth0");
				attributes.put(PkceParameterNames.CODE_VERIFIER, "the-verifier");
				attributes.put("nonce", "the-nonce");
				attributes.put(LoginSessionAttributes.RETURN_TO, returnTo);
			})
			.build();
	}

}

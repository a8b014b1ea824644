package dev.porter.gateway.login;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ResponseCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;

import static org.assertj.core.api.Assertions.assertThat;

class CookieServerAuthorizationRequestRepositoryTests {

	private static final String COOKIE = "__Host-porter-session-login";

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private final CookieServerAuthorizationRequestRepository repository = repository("client-secret");

	@Test
	void loadWhenSavedThenSameStateRedirectUriAndAttributes() {
		ResponseCookie cookie = save(request());

		StepVerifier.create(this.repository.loadAuthorizationRequest(callbackWith(cookie.getValue())))
			.assertNext((loaded) -> {
				assertThat(loaded.getState()).isEqualTo("the-state");
				assertThat(loaded.getRedirectUri()).isEqualTo("http://localhost:8080/login/oauth2/code/auth0");
				assertThat(loaded.getScopes()).containsExactlyInAnyOrder("openid", "profile");
				assertThat(loaded.<String>getAttribute(PkceParameterNames.CODE_VERIFIER)).isEqualTo("the-verifier");
				assertThat(loaded.<String>getAttribute(LoginSessionAttributes.RETURN_TO)).isEqualTo("/profile");
			})
			.verifyComplete();
	}

	@Test
	void saveWhenSavedThenCookieIsHttpOnlySecureLaxAndLivesTheTimeout() {
		ResponseCookie cookie = save(request());

		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.isSecure()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(cookie.getPath()).isEqualTo("/");
		assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofMinutes(5));
		assertThat(cookie.getValue()).doesNotContain("the-state").doesNotContain("the-verifier");
	}

	@Test
	void saveWhenReturnToIsTheLongestAllowedThenCookieFitsTheBrowsersLimit() {
		String longest = "/" + "a".repeat(2047);
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.from(request())
			.attributes((attributes) -> attributes.put(LoginSessionAttributes.RETURN_TO, longest))
			.build();

		ResponseCookie cookie = save(request);

		// RFC 6265 §6.1: browsers keep at least 4096 bytes of name and value
		assertThat(cookie.getName().length() + cookie.getValue().length()).isLessThanOrEqualTo(4096);
		assertThat(ReturnTo.parse(longest)).isNotNull();
		StepVerifier.create(this.repository.loadAuthorizationRequest(callbackWith(cookie.getValue())))
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
		String returnTo = longest;
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.from(request())
			.attributes((attributes) -> attributes.put(LoginSessionAttributes.RETURN_TO, returnTo))
			.build();

		ResponseCookie cookie = save(request);

		assertThat(returnTo.length()).as("some of it is accepted").isGreaterThan(1);
		assertThat(cookie.getName().length() + cookie.getValue().length()).isLessThanOrEqualTo(4096);
	}

	@Test
	void loadWhenOlderThanTimeoutThenEmpty() {
		ResponseCookie cookie = save(request());
		this.clock.advance(Duration.ofMinutes(5));

		StepVerifier.create(this.repository.loadAuthorizationRequest(callbackWith(cookie.getValue()))).verifyComplete();
	}

	@Test
	void loadWhenJustBeforeTimeoutThenLoaded() {
		ResponseCookie cookie = save(request());
		this.clock.advance(Duration.ofMinutes(5).minusSeconds(1));

		StepVerifier.create(this.repository.loadAuthorizationRequest(callbackWith(cookie.getValue())))
			.expectNextCount(1)
			.verifyComplete();
	}

	@Test
	void loadWhenCookieAlteredThenEmpty() {
		String value = save(request()).getValue();
		char last = value.charAt(value.length() - 2);
		String altered = value.substring(0, value.length() - 2) + ((last == 'A') ? 'B' : 'A')
				+ value.charAt(value.length() - 1);

		StepVerifier.create(this.repository.loadAuthorizationRequest(callbackWith(altered))).verifyComplete();
		StepVerifier.create(this.repository.loadAuthorizationRequest(callbackWith("not-base64-!"))).verifyComplete();
	}

	@Test
	void loadWhenSealedByGatewayWithAnotherSecretThenEmpty() {
		ResponseCookie cookie = save(request());

		StepVerifier.create(repository("another-secret").loadAuthorizationRequest(callbackWith(cookie.getValue())))
			.verifyComplete();
	}

	@Test
	void loadWhenSealedByAnotherInstanceWithSameSecretThenLoaded() {
		ResponseCookie cookie = save(request());

		StepVerifier.create(repository("client-secret").loadAuthorizationRequest(callbackWith(cookie.getValue())))
			.expectNextCount(1)
			.verifyComplete();
	}

	@Test
	void removeWhenPresentThenReturnsRequestExpiresCookieAndRemembersItForTheSuccessHandler() {
		MockServerWebExchange callback = callbackWith(save(request()).getValue());

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).expectNextCount(1).verifyComplete();

		ResponseCookie expired = callback.getResponse().getCookies().getFirst(COOKIE);
		assertThat(expired).isNotNull();
		assertThat(expired.getMaxAge()).isZero();
		assertThat(CookieServerAuthorizationRequestRepository.completed(callback)).isNotNull()
			.extracting(OAuth2AuthorizationRequest::getState)
			.isEqualTo("the-state");
	}

	/**
	 * A stale tab, or another site navigating the browser to the callback with a state of
	 * its choosing, must not cost the browser its pending login.
	 */
	@Test
	void removeWhenCallbackStateDiffersThenEmptyAndCookieKept() {
		MockServerWebExchange callback = callbackWith(save(request()).getValue(), "another-state");

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).verifyComplete();

		assertThat(callback.getResponse().getCookies()).doesNotContainKey(COOKIE);
		assertThat(CookieServerAuthorizationRequestRepository.completed(callback)).isNull();
	}

	@Test
	void removeWhenCallbackHasNoStateThenEmptyAndCookieKept() {
		MockServerWebExchange callback = MockServerWebExchange
			.from(MockServerHttpRequest.get("/login/oauth2/code/auth0")
				.cookie(new org.springframework.http.HttpCookie(COOKIE, save(request()).getValue())));

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).verifyComplete();

		assertThat(callback.getResponse().getCookies()).doesNotContainKey(COOKIE);
	}

	@Test
	void loadWhenCallbackStateDiffersThenEmpty() {
		MockServerWebExchange callback = callbackWith(save(request()).getValue(), "another-state");

		StepVerifier.create(this.repository.loadAuthorizationRequest(callback)).verifyComplete();
	}

	@Test
	void removeWhenNoCookieThenEmptyAndNothingRemembered() {
		MockServerWebExchange callback = MockServerWebExchange.from(MockServerHttpRequest.get("/login/oauth2/code/a"));

		StepVerifier.create(this.repository.removeAuthorizationRequest(callback)).verifyComplete();

		assertThat(CookieServerAuthorizationRequestRepository.completed(callback)).isNull();
		assertThat(callback.getResponse().getCookies()).isEmpty();
	}

	private ResponseCookie save(OAuth2AuthorizationRequest request) {
		MockServerWebExchange login = MockServerWebExchange.from(MockServerHttpRequest.get("/bff/login"));
		StepVerifier.create(this.repository.saveAuthorizationRequest(request, login)).verifyComplete();
		AtomicReference<ResponseCookie> cookie = new AtomicReference<>(
				login.getResponse().getCookies().getFirst(COOKIE));
		assertThat(cookie.get()).isNotNull();
		return cookie.get();
	}

	/** The callback of the saved {@link #request()}: its state, and the cookie. */
	private static MockServerWebExchange callbackWith(String value) {
		return callbackWith(value, "the-state");
	}

	private static MockServerWebExchange callbackWith(String value, String state) {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/login/oauth2/code/auth0")
			.queryParam("code", "the-code")
			.queryParam("state", state)
			.cookie(new org.springframework.http.HttpCookie(COOKIE, value)));
	}

	private CookieServerAuthorizationRequestRepository repository(String secret) {
		return new CookieServerAuthorizationRequestRepository(COOKIE, true, Duration.ofMinutes(5),
				new LoginRequestCipher(secret, COOKIE), JsonMapper.builder().build(), this.clock);
	}

	private static OAuth2AuthorizationRequest request() {
		return OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("http://localhost:9000/authorize")
			.clientId("porter-gateway")
			.redirectUri("http://localhost:8080/login/oauth2/code/auth0")
			.scopes(Set.of("openid", "profile"))
			.state("the-state")
			.additionalParameters(Map.of("audience", "https://porter.example/api"))
			.attributes((attributes) -> {
				attributes.put("registration_id", "auth0");
				attributes.put(PkceParameterNames.CODE_VERIFIER, "the-verifier");
				attributes.put("nonce", "the-nonce");
				attributes.put(LoginSessionAttributes.RETURN_TO, "/profile");
			})
			.build();
	}

}

package dev.porter.gateway.support;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who asks for {@code /bff/login}, told apart by the headers a browser adds: what the
 * gateway answers a refused login depends on it (a person lands on the SPA, everything
 * else gets the problem).
 */
public enum LoginStarter {

	/** "Sign in" clicked: a top-level navigation the user started. */
	USER(Map.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document",
			"Sec-Fetch-User", "?1", HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")),

	/**
	 * A script sending the browser there ({@code location.assign} with no click behind
	 * it): a navigation the browser does not mark as the user's.
	 */
	SCRIPT_NAVIGATION(Map.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest",
			"document", HttpHeaders.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")),

	/** A script's fetch. */
	SCRIPT_FETCH(Map.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors", "Sec-Fetch-Dest", "empty",
			HttpHeaders.ACCEPT, "application/json")),

	/** A client with no sign of a browser (curl, a load test). */
	CURL(Map.of());

	private final Map<String, String> headers;

	LoginStarter(Map<String, String> headers) {
		this.headers = headers;
	}

	/** Sets the headers this starter's request carries. */
	public Consumer<HttpHeaders> headers() {
		return (request) -> this.headers.forEach(request::set);
	}

	/**
	 * Asserts {@code answer} is how a login this starter asked for is refused: the user's
	 * navigation is sent to {@code landing}, with no body type and no
	 * {@code Retry-After}; any other starter gets the problem, of {@code status}, with a
	 * {@code Retry-After} matching {@code retryAfter} ({@code null}: none asserted) and a
	 * body that contains each of {@code problemText}. Either way no cookie is set: no
	 * pending login started, no session cookie changed.
	 */
	public void assertRefused(EntityExchangeResult<byte[]> answer, String landing, int status,
			@Nullable String retryAfter, String... problemText) {
		HttpHeaders headers = answer.getResponseHeaders();
		if (this == USER) {
			assertThat(answer.getStatus().value()).isEqualTo(302);
			assertThat(headers.getLocation()).isEqualTo(URI.create(landing));
			assertThat(headers.getContentType()).isNull();
			assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).isNull();
		}
		else {
			assertThat(answer.getStatus().value()).isEqualTo(status);
			assertThat(headers.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			if (retryAfter != null) {
				assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).matches(retryAfter);
			}
			if (problemText.length > 0) {
				assertThat(new String(answer.getResponseBodyContent(), StandardCharsets.UTF_8)).contains(problemText);
			}
		}
		assertThat(answer.getResponseCookies()).as("no pending login started, no session cookie changed").isEmpty();
	}

}

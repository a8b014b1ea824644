package dev.porter.gateway.routing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which paths are relayed, and so guarded by the relay's security chain. The gateway
 * answers without Spring Security's reactive {@code pathMatchers}; these tests hold its
 * answer to theirs, including for paths that look alike.
 */
class RelayedPathsTests {

	private static final ServerWebExchangeMatcher SPRING = ServerWebExchangeMatchers
		.pathMatchers(RelayedPaths.PATTERNS.toArray(String[]::new));

	@ParameterizedTest
	@ValueSource(strings = { "/", "/me", "/me/", "/me/metadata", "/me/a/b", "/me;a=b", "/me/metadata;a=b", "/mex",
			"/ME", "//me", "/bff/me", "/%6De", "/me%2Fmetadata", "/me/..", "/api/me" })
	void matchesWhenAnyPathThenSameAnswerAsSpringSecuritysPathMatchers(String path) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));

		assertThat(RelayedPaths.matches(exchange)).isEqualTo(SPRING.matches(exchange).block().isMatch());
	}

	@ParameterizedTest
	@ValueSource(strings = { "/me", "/me/metadata", "/other" })
	void matchesWhenBehindAContextPathThenReadsThePathWithinTheApplication(String path) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/porter" + path).contextPath("/porter"));

		assertThat(RelayedPaths.matches(exchange)).isEqualTo(SPRING.matches(exchange).block().isMatch())
			.isEqualTo(!path.equals("/other"));
	}

}

package dev.porter.gateway.login;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.porter.gateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-address budget on {@code /bff/login} and the callback ({@code LOGIN_RATE_LIMIT}
 * per {@code LOGIN_RATE_LIMIT_PERIOD}); the test client connects from 127.0.0.1, which is
 * not a trusted proxy here, so its {@code X-Forwarded-For} is not believed.
 */
@TestPropertySource(properties = { "porter.login.rate-limit=3", "porter.login.rate-limit-period=1h",
		"porter.forwarded.trusted-proxies=10.0.0.0/8" })
@Import(LoginRateLimitTests.FixedClock.class)
class LoginRateLimitTests extends GatewayTestSupport {

	/** Every request of the test falls into one budget window. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FixedClock {

		@Bean
		Clock clock() {
			return Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
		}

	}

	@Test
	void loginWhenOverBudgetThenTooManyRequestsProblemEvenWithForgedForwardedFor() {
		List<EntityExchangeResult<byte[]>> answers = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			String forged = "203.0.113." + i;
			answers.add(this.client.get()
				.uri("/bff/login")
				.header("X-Forwarded-For", forged)
				.header("Forwarded", "for=" + forged)
				.exchange()
				.expectBody()
				.returnResult());
		}
		EntityExchangeResult<byte[]> callback = this.client.get()
			.uri("/login/oauth2/code/auth0?code=c&state=s")
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(answers.subList(0, 3)).allSatisfy((answer) -> assertThat(answer.getStatus().value()).isEqualTo(302));
		assertThat(answers.subList(3, 5)).allSatisfy((answer) -> {
			assertThat(answer.getStatus()).isEqualTo(HttpStatusCode.valueOf(429));
			assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE))
				.isEqualTo("application/problem+json");
			assertThat(answer.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
			assertThat(new String(answer.getResponseBodyContent())).contains("/problems/rate-limited");
		});
		assertThat(callback.getStatus()).as("the callback shares the budget").isEqualTo(HttpStatusCode.valueOf(429));
	}

}

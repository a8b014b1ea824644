package dev.porter.gateway.login;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.porter.gateway.routing.UserRateLimiter.Decision;
import dev.porter.gateway.support.FilterHarness;
import dev.porter.gateway.support.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class LoginRateLimitWebFilterTests {

	private static final AddressPseudonyms ADDRESSES = new AddressPseudonyms("client-secret");

	private final List<String> consumed = new ArrayList<>();

	private final FilterHarness.Recording chain = FilterHarness.recording();

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	@Test
	void filterWhenClientOverBudgetOnLoginThenTooManyRequestsWithRetryAfterAndNoLoginWork() {
		MockServerWebExchange exchange = from("127.0.0.2");

		filter(new Decision(false, Duration.ofSeconds(30))).filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("30");
		assertThat(FilterHarness.problem(exchange).get("type").asString()).endsWith("/rate-limited");
		assertThat(this.consumed).containsExactly("login:" + ADDRESSES.of("127.0.0.2"));
		assertThat(this.chain.wasCalled()).isFalse();
	}

	/** The IdP sending a browser back: a failed login, as the SPA knows it. */
	@Test
	void filterWhenClientOverBudgetOnCallbackThenLoginFailedAndNoLoginWork() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/login/oauth2/code/porter?code=c&state=s")
				.remoteAddress(new InetSocketAddress("127.0.0.2", 40000)));

		filter(new Decision(false, Duration.ofSeconds(30))).filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FOUND);
		assertThat(exchange.getResponse().getHeaders().getLocation()).hasToString("/?login=failed");
		assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isNull();
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenTheUserNavigatesToLoginOverBudgetThenLoginFailed() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/bff/login")
			.header("Sec-Fetch-Mode", "navigate")
			.header("Sec-Fetch-User", "?1")
			.remoteAddress(new InetSocketAddress("127.0.0.2", 40000)));

		filter(new Decision(false, Duration.ofSeconds(30))).filter(exchange, this.chain).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FOUND);
		assertThat(exchange.getResponse().getHeaders().getLocation()).hasToString("/?login=failed");
		assertThat(this.chain.wasCalled()).isFalse();
	}

	@Test
	void filterWhenClientWithinBudgetThenLoginGoesOn() {
		MockServerWebExchange exchange = from("127.0.0.2");

		filter(new Decision(true, Duration.ZERO)).filter(exchange, this.chain).block();

		assertThat(this.chain.exchange()).isSameAs(exchange);
	}

	@Test
	void filterWhenNotALoginEndpointThenNoBudgetSpent() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

		filter(new Decision(false, Duration.ofSeconds(30))).filter(exchange, this.chain).block();

		assertThat(this.consumed).isEmpty();
		assertThat(this.chain.wasCalled()).isTrue();
	}

	// Users met 429s and the log said nothing: behind a load balancer left out of
	// TRUSTED_PROXIES, every visitor spent the balancer's one budget.
	@Test
	void filterWhenClientsKeepGoingOverBudgetThenOneWarningPerMinuteNamingTheAddressWithACount(CapturedOutput output) {
		LoginRateLimitWebFilter filter = filter(new Decision(false, Duration.ofSeconds(30)));
		for (int i = 0; i < 3; i++) {
			filter.filter(from("192.168.1.5"), FilterHarness.recording()).block();
		}
		assertThat(refusals(output)).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "192.168.1.5", "LOGIN_RATE_LIMIT", "TRUSTED_PROXIES",
					"1 refused"));

		this.clock.advance(LoginRateLimitWebFilter.REFUSALS_INTERVAL);
		filter.filter(from("192.168.1.6"), FilterHarness.recording()).block();

		assertThat(refusals(output)).hasSize(2)
			.last()
			.asString()
			.contains("192.168.1.6", "3 refused")
			.doesNotContain("192.168.1.5");
	}

	// The line named an IPv6 client by its budget key, 20010db8abcd0001::/64, which
	// TRUSTED_PROXIES refuses: the operator told to add it could not.
	@Test
	void filterWhenIpv6ClientOverBudgetThenWarningNamesItsAddressAndItsSlash64AsTrustedProxiesWritesThem(
			CapturedOutput output) {
		filter(new Decision(false, Duration.ofSeconds(30))).filter(from("2001:0db8:abcd:0001:0:0:0:5"), this.chain)
			.block();

		assertThat(refusals(output)).singleElement()
			.asString()
			.contains(" 2001:db8:abcd:1::5 ", "2001:db8:abcd:1::/64")
			.doesNotContain("20010db8");
	}

	@Test
	void filterWhenClientWithinBudgetThenNothingLogged(CapturedOutput output) {
		filter(new Decision(true, Duration.ZERO)).filter(from("192.168.1.5"), this.chain).block();

		assertThat(refusals(output)).isEmpty();
	}

	@Test
	void clientKeyWhenIpv6AddressesShareA64ThenOneBudget() {
		assertThat(LoginRateLimitWebFilter.clientKey(from("2001:db8:1:2::1")))
			.isEqualTo(LoginRateLimitWebFilter.clientKey(from("2001:db8:1:2:ffff:ffff:ffff:fffe")))
			.isNotEqualTo(LoginRateLimitWebFilter.clientKey(from("2001:db8:1:3::1")));
	}

	@Test
	void clientKeyWhenIpv4ThenTheAddress() {
		assertThat(LoginRateLimitWebFilter.clientKey(from("127.0.0.2"))).isEqualTo("127.0.0.2");
	}

	private LoginRateLimitWebFilter filter(Decision decision) {
		return new LoginRateLimitWebFilter((key) -> {
			this.consumed.add(key);
			return Mono.just(decision);
		}, ADDRESSES, new LoginRefusal(FilterHarness.problemWriter()), this.clock);
	}

	private static List<String> refusals(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("LOGIN_RATE_LIMIT")).toList();
	}

	private static MockServerWebExchange from(String address) {
		return MockServerWebExchange
			.from(MockServerHttpRequest.get("/bff/login").remoteAddress(new InetSocketAddress(address, 40000)));
	}

}

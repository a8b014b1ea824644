package dev.porter.gateway.login;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class LoginRateLimitWebFilterTests {

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

	private static MockServerWebExchange from(String address) {
		return MockServerWebExchange
			.from(MockServerHttpRequest.get("/bff/login").remoteAddress(new InetSocketAddress(address, 40000)));
	}

}

package dev.porter.gateway.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.porter.gateway.routing.RelayedPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.HttpStatusExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The relayed paths' security chain is chosen without asking the chains' matchers: every
 * request must meet the same firewall, the same chain, and the same rest of the server's
 * chain as Spring Security's proxy gives it, whether relayed, merely alike, or refused.
 */
class RelayFirstSecurityChainsTests {

	private static final String PROBE = "X-Probe";

	private final ServerWebExchangeFirewall firewall = new FirewallConfiguration().serverWebExchangeFirewall();

	private final ServerExchangeRejectedHandler rejected = new HttpStatusExchangeRejectedHandler();

	static Stream<MockServerHttpRequest.BaseBuilder<?>> requests() {
		return Stream.of(MockServerHttpRequest.get("/me"), MockServerHttpRequest.get("/me/"),
				MockServerHttpRequest.get("/me/metadata"), MockServerHttpRequest.patch("/me/metadata"),
				MockServerHttpRequest.get("/me/a/b"), MockServerHttpRequest.get("/mex"), MockServerHttpRequest.get("/"),
				MockServerHttpRequest.get("/bff/user"), MockServerHttpRequest.post("/bff/logout"),
				MockServerHttpRequest.get("/porter/me").contextPath("/porter"),
				MockServerHttpRequest.get("/porter/other").contextPath("/porter"),
				// refused by the firewall, relayed-looking or not
				raw("/me/%2e%2e/bff/user"), MockServerHttpRequest.get("/me/./metadata"),
				MockServerHttpRequest.get("/me//metadata"), raw("/me%2Fmetadata"), raw("/me/%25"),
				MockServerHttpRequest.get("/me;a=b"), MockServerHttpRequest.method(HttpMethod.valueOf("FOO"), "/me"),
				MockServerHttpRequest.method(HttpMethod.valueOf("FOO"), "/bff/user"), raw("/bff/%2e%2e/me"),
				// let through, refused when the header is read
				MockServerHttpRequest.get("/me").header(PROBE, "a\u0000b"),
				MockServerHttpRequest.get("/bff/user").header(PROBE, "a\u0000b"));
	}

	/** A request for the URI as written: encoded characters stay encoded. */
	private static MockServerHttpRequest.BaseBuilder<?> raw(String uri) {
		return MockServerHttpRequest.method(HttpMethod.GET, URI.create(uri));
	}

	@ParameterizedTest
	@MethodSource("requests")
	void filterWhenAnyRequestThenTheSameOutcomeAsSpringSecuritysProxy(MockServerHttpRequest.BaseBuilder<?> request) {
		Chains spring = new Chains();
		Chains porter = new Chains();

		Outcome expected = spring.run(spring.proxy(), request.build());
		Outcome actual = porter.run(porter.relayFirst(), request.build());

		assertThat(actual).isEqualTo(expected);
	}

	/**
	 * The cases above reach every branch: the relay chain, the other chain, a refusal.
	 */
	@Test
	void requestsWhenRunThroughTheProxyThenCoverEveryOutcome() {
		List<Outcome> outcomes = requests().map((request) -> {
			Chains spring = new Chains();
			return spring.run(spring.proxy(), request.build());
		}).toList();

		assertThat(outcomes).extracting(Outcome::chains).contains(List.of("relay"), List.of("other"), List.of());
		assertThat(outcomes).extracting(Outcome::probe).contains("refused", "none");
	}

	@Test
	void requireFirstWhenTheRelayChainIsNotFirstThenTheGatewayRefusesToStart() {
		Chains chains = new Chains();

		assertThatIllegalStateException()
			.isThrownBy(() -> FilterChainConfiguration.requireFirst(chains.relay, List.of(chains.other, chains.relay)));
		assertThatIllegalStateException()
			.isThrownBy(() -> FilterChainConfiguration.requireFirst(chains.relay, List.of()));
	}

	/**
	 * What a request met: the chains' filters that ran, and the rest of the server's
	 * chain.
	 */
	record Outcome(List<String> chains, boolean downstream, String probe, HttpStatusCode status) {
	}

	/** A relay chain and a catch-all chain, each with one filter that records it ran. */
	private final class Chains {

		private final List<String> ran = new ArrayList<>();

		private String probe = "none";

		private boolean downstream;

		final SecurityWebFilterChain relay = new MatcherSecurityWebFilterChain(
				(exchange) -> RelayedPaths.matches(exchange) ? MatchResult.match() : MatchResult.notMatch(),
				List.of(recording("relay")));

		final SecurityWebFilterChain other = new MatcherSecurityWebFilterChain(ServerWebExchangeMatchers.anyExchange(),
				List.of(recording("other")));

		WebFilterChainProxy proxy() {
			WebFilterChainProxy proxy = new WebFilterChainProxy(this.relay, this.other);
			proxy.setFirewall(RelayFirstSecurityChainsTests.this.firewall);
			proxy.setExchangeRejectedHandler(RelayFirstSecurityChainsTests.this.rejected);
			proxy.setFilterChainDecorator((original, filters) -> PlainWebFilterChain.of(filters, original));
			return proxy;
		}

		WebFilter relayFirst() {
			return new RelayFirstSecurityChains(proxy(), this.relay, RelayFirstSecurityChainsTests.this.firewall,
					RelayFirstSecurityChainsTests.this.rejected);
		}

		Outcome run(WebFilter filter, MockServerHttpRequest request) {
			MockServerWebExchange exchange = MockServerWebExchange.from(request);
			filter.filter(exchange, this::downstream).block();
			return new Outcome(List.copyOf(this.ran), this.downstream, this.probe,
					exchange.getResponse().getStatusCode());
		}

		/**
		 * Reads a header as the relay would: through the firewall's view of the request.
		 */
		private Mono<Void> downstream(ServerWebExchange exchange) {
			this.downstream = true;
			try {
				String value = exchange.getRequest().getHeaders().getFirst(PROBE);
				this.probe = (value != null) ? "read" : "none";
			}
			catch (RuntimeException ex) {
				this.probe = "refused";
			}
			return Mono.empty();
		}

		private WebFilter recording(String name) {
			return (exchange, chain) -> {
				this.ran.add(name);
				return chain.filter(exchange);
			};
		}

	}

}

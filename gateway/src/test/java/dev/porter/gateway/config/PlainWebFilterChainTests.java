package dev.porter.gateway.config;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class PlainWebFilterChainTests {

	private final List<String> calls = new ArrayList<>();

	private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));

	@Test
	void filterWhenEveryFilterPassesOnThenEachInOrderThenTheRest() {
		WebFilterChain chain = PlainWebFilterChain.of(List.of(passing("a"), passing("b"), passing("c")), rest());
		StepVerifier.create(chain.filter(this.exchange)).verifyComplete();
		assertThat(this.calls).containsExactly("a", "b", "c", "rest");
	}

	@Test
	void filterWhenAFilterAnswersItselfThenNeitherLaterFiltersNorTheRest() {
		WebFilter answering = (exchange, chain) -> {
			this.calls.add("answering");
			return Mono.empty();
		};
		StepVerifier
			.create(PlainWebFilterChain.of(List.of(passing("a"), answering, passing("c")), rest())
				.filter(this.exchange))
			.verifyComplete();
		assertThat(this.calls).containsExactly("a", "answering");
	}

	/**
	 * A filter may build "work, then the rest of the chain" before subscribing: the next
	 * filter must run after the work, as in Spring's own chain.
	 */
	@Test
	void filterWhenAFilterAssemblesTheRestBeforeItsWorkThenTheNextFilterRunsAfterTheWork() {
		WebFilter workFirst = (exchange, chain) -> Mono.fromRunnable(() -> this.calls.add("work"))
			.then(chain.filter(exchange));
		StepVerifier.create(PlainWebFilterChain.of(List.of(workFirst, passing("next")), rest()).filter(this.exchange))
			.verifyComplete();
		assertThat(this.calls).containsExactly("work", "next", "rest");
	}

	@Test
	void filterWhenNotSubscribedThenNoFilterRuns() {
		PlainWebFilterChain.of(List.of(passing("a")), rest()).filter(this.exchange);
		assertThat(this.calls).isEmpty();
	}

	@Test
	void asOneFilterWhenRunThenItsFiltersInOrderThenTheServersChain() {
		WebFilter one = PlainWebFilterChain.asOneFilter(List.of(passing("a"), passing("b")));
		StepVerifier.create(one.filter(this.exchange, rest())).verifyComplete();
		assertThat(this.calls).containsExactly("a", "b", "rest");
	}

	/** The filter's error as it was raised: no checkpoint's trace added to it. */
	@Test
	void filterWhenAFilterFailsThenItsErrorUnchanged() {
		IllegalStateException failure = new IllegalStateException("boom");
		WebFilter failing = (exchange, chain) -> Mono.error(failure);
		StepVerifier.create(PlainWebFilterChain.of(List.of(passing("a"), failing), rest()).filter(this.exchange))
			.verifyErrorSatisfies((error) -> assertThat(error).isSameAs(failure)
				.satisfies((e) -> assertThat(e.getSuppressed()).isEmpty()));
	}

	private WebFilter passing(String name) {
		return (exchange, chain) -> {
			this.calls.add(name);
			return chain.filter(exchange);
		};
	}

	private WebFilterChain rest() {
		return (exchange) -> Mono.fromRunnable(() -> this.calls.add("rest"));
	}

}

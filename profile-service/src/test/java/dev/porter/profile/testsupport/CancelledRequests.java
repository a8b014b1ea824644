package dev.porter.profile.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import dev.porter.testsupport.Eventually;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The requests whose handling the server cancelled because their caller went away (closed
 * the connection before the answer), as {@code "PATCH /me/metadata"}: a test of a caller
 * that goes away waits for it before it lets the upstream answer, so that the answer
 * surely comes after the cancellation.
 */
public final class CancelledRequests implements WebFilter {

	private final List<String> cancelled = new CopyOnWriteArrayList<>();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String request = exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath().value();
		// After the cancellation has reached everything the request started.
		return chain.filter(exchange).doFinally((signal) -> {
			if (signal == SignalType.CANCEL) {
				this.cancelled.add(request);
			}
		});
	}

	/** Waits, bounded, until the server cancelled a request {@code request}. */
	public void await(String request) {
		Eventually.await("the server to cancel " + request + " for its caller that went away", Duration.ofSeconds(10),
				() -> this.cancelled.contains(request));
	}

	void clear() {
		this.cancelled.clear();
	}

}

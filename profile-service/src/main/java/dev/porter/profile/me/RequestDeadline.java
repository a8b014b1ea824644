package dev.porter.profile.me;

import java.time.Clock;
import java.time.Duration;

import reactor.core.publisher.Mono;

import dev.porter.profile.problem.RequestBodyReads;
import dev.porter.profile.problem.RequestDeadlinePassedException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The time one request may take in all, from its arrival
 * ({@code PROFILE_REQUEST_DEADLINE}), the token check included (it may fetch the IdP's
 * keys): each upstream has a deadline of its own, but a {@code GET /me} waits for two of
 * them and a {@code PATCH} for reads and then a write, which together outlast the
 * gateway's {@code RELAY_RESPONSE_TIMEOUT}. The gateway's own time-out counts against its
 * relay circuit for every user; a 503 problem of ours does not, and it says what
 * happened.
 * <p>
 * Past the deadline the caller stops waiting, nothing more: a load goes on and fills the
 * cache (its single flight is shared, see {@code SwrCache}), a change goes on and the
 * caches follow its outcome ({@link ProfileCaches#directoryChange}). Each answer so given
 * is logged, throttled ({@link LateRequests}). A request whose body was still arriving
 * then is answered 408 instead ({@link RequestBodyReads}): it was never worked on. The
 * work that must know how much of the request's time is left finds its end in the Reactor
 * context ({@link RequestEnd}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestDeadline implements WebFilter {

	private final Duration deadline;

	private final LateRequests lateRequests;

	private final Clock clock;

	private final RequestBodyReads bodies;

	RequestDeadline(ApiProperties properties, Clock clock, RequestBodyReads bodies) {
		this.deadline = properties.requestDeadline();
		this.lateRequests = new LateRequests(this.deadline, clock);
		this.clock = clock;
		this.bodies = bodies;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange)
			.timeout(this.deadline, Mono.defer(() -> Mono.error(late(exchange))))
			.contextWrite((context) -> RequestEnd.put(context, this.clock.instant().plus(this.deadline)));
	}

	/**
	 * A body still arriving is the caller's delay, and nothing was sent: 408. Otherwise
	 * an upstream was slow, and a change may still land: its caller is told so.
	 */
	private ErrorResponseException late(ServerWebExchange exchange) {
		if (RequestBodyReads.stillArriving(exchange)) {
			return this.bodies.timedOut(exchange);
		}
		this.lateRequests.report(exchange);
		return HttpMethod.PATCH.equals(exchange.getRequest().getMethod())
				? RequestDeadlinePassedException.whileChanging() : RequestDeadlinePassedException.whileReading();
	}

}

package dev.porter.profile.me;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The time one request may take in all, from its arrival
 * ({@code PROFILE_REQUEST_DEADLINE}): each upstream has a deadline of its own, but a
 * {@code GET /me} waits for two of them and a {@code PATCH} for reads and then a write,
 * which together outlast the gateway's {@code RELAY_RESPONSE_TIMEOUT}. The gateway's own
 * time-out counts against its relay circuit for every user; a 503 problem of ours does
 * not, and it says what happened.
 * <p>
 * Past the deadline the caller stops waiting, nothing more: a load goes on and fills the
 * cache (its single flight is shared, see {@code SwrCache}), a change goes on and the
 * caches follow its outcome ({@link ProfileCaches#directoryChange}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestDeadline implements WebFilter {

	private static final String ARRIVED_AT = RequestDeadline.class.getName() + ".arrivedAt";

	private final Clock clock;

	private final Duration deadline;

	RequestDeadline(Clock clock, ApiProperties properties) {
		this.clock = clock;
		this.deadline = properties.requestDeadline();
	}

	/** Notes the arrival before anything else runs (token checks may fetch keys). */
	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		exchange.getAttributes().put(ARRIVED_AT, this.clock.instant());
		return chain.filter(exchange);
	}

	/** {@code answer}, or {@code late} once the exchange's time has run out. */
	<T> Mono<T> bound(ServerWebExchange exchange, Mono<T> answer, Supplier<? extends Throwable> late) {
		return Mono.defer(() -> {
			Instant arrivedAt = exchange.getAttributeOrDefault(ARRIVED_AT, this.clock.instant());
			Duration left = Duration.between(this.clock.instant(), arrivedAt.plus(this.deadline));
			if (left.isNegative() || left.isZero()) {
				return Mono.error(late);
			}
			return answer.timeout(left, Mono.error(late));
		});
	}

}

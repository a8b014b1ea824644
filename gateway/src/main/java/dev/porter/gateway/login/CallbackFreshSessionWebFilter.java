package dev.porter.gateway.login;

import java.time.Clock;

import dev.porter.gateway.session.FreshSession;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The login callback starts from a new session, never the one the browser presented (see
 * {@link FreshSession}); {@link LoginSuccessHandler} then ends the presented one. First
 * of all filters, before anything resolves the session; so it also notes when the
 * callback began ({@link CallbackStart}).
 */
final class CallbackFreshSessionWebFilter implements WebFilter, Ordered {

	private final ServerWebExchangeMatcher callback = ServerWebExchangeMatchers.pathMatchers(LoginPaths.CALLBACK);

	private final Clock clock;

	CallbackFreshSessionWebFilter(Clock clock) {
		this.clock = clock;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return this.callback.matches(exchange).flatMap((match) -> {
			if (match.isMatch()) {
				FreshSession.require(exchange);
				CallbackStart.note(exchange, this.clock.instant());
			}
			return chain.filter(exchange);
		});
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

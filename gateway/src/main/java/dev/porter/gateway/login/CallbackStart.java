package dev.porter.gateway.login;

import java.time.Duration;
import java.time.Instant;

import dev.porter.gateway.session.SessionRegistry;

import org.springframework.web.server.ServerWebExchange;

/**
 * When the login callback began, on the gateway's clock. A back-channel logout that comes
 * while the callback runs is remembered for {@link SessionRegistry#LOGOUT_MEMORY} from
 * then on: a callback that registers its session later than that after it began could
 * have missed one, and fails instead ({@link LoginSuccessHandler}). Its every call to the
 * IdP times out far sooner ({@code OIDC_RESPONSE_TIMEOUT}), so none does unless the
 * timeouts are set beyond reason.
 */
final class CallbackStart {

	private static final String ATTRIBUTE = CallbackStart.class.getName();

	private CallbackStart() {
	}

	static void note(ServerWebExchange exchange, Instant at) {
		exchange.getAttributes().put(ATTRIBUTE, at);
	}

	/**
	 * How long ago the callback began, on the gateway's clock; zero when its start was
	 * never noted.
	 */
	static Duration elapsed(ServerWebExchange exchange, Instant now) {
		if (exchange.getAttribute(ATTRIBUTE) instanceof Instant began && began.isBefore(now)) {
			return Duration.between(began, now);
		}
		return Duration.ZERO;
	}

	/**
	 * Whether the callback began {@link SessionRegistry#LOGOUT_MEMORY} or more before
	 * {@code now}; so it counts when its start was never noted.
	 */
	static boolean outlivesLogoutMemory(ServerWebExchange exchange, Instant now) {
		return !(exchange.getAttribute(ATTRIBUTE) instanceof Instant began)
				|| !now.isBefore(began.plus(SessionRegistry.LOGOUT_MEMORY));
	}

}

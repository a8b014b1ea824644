package dev.porter.gateway.routing;

import java.util.function.Function;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.token.TokenRelayFilter;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * The relay's answer when the API refused the token a request was relayed with (a
 * {@code 401} with {@code error="invalid_token"}): the API's own answer would leave the
 * session signed in and every request refused until the token is due for its refresh (an
 * IdP that forgot its grants, a user blocked at Auth0). The token relay renews the
 * session's tokens first ({@link TokenRelayFilter#renewRefused}); then
 * <ul>
 * <li>a request that changes nothing is relayed again, once, with the renewed token, its
 * first answer withdrawn;</li>
 * <li>a change is not sent a second time: one browser request is at most one change
 * upstream, which the relay's account of a change sent (and of one that may have been
 * applied) rests on. The refusal says it was not applied (profile-service checks the
 * token, and asks {@code /userinfo}, before it writes), so the browser is asked to send
 * it again ({@code 503}, {@code token-renewed}), which then goes with the renewed
 * token;</li>
 * <li>when the refusal stands (no refresh token, or the renewed token was refused as
 * well), the API's answer is relayed as it is;</li>
 * <li>when the renewal failed, its failure is the answer: the session ended ({@code 401}
 * with {@code login_url}) or no token now ({@code 503} with {@code Retry-After}).</li>
 * </ul>
 * Nothing of this runs for any other answer.
 */
final class RefusedTokenRelay {

	private final TokenRelayFilter tokenRelay;

	private final Function<ServerWebExchange, Mono<Void>> relayAgain;

	/**
	 * @param relayAgain the route's filters after the token relay and the upstream call:
	 * the request relayed again, its answer taken into the response
	 */
	RefusedTokenRelay(TokenRelayFilter tokenRelay, Function<ServerWebExchange, Mono<Void>> relayAgain) {
		this.tokenRelay = tokenRelay;
		this.relayAgain = relayAgain;
	}

	/**
	 * What the relay answers in place of an upstream answer that refused the token the
	 * request was relayed with.
	 * @param exchange the request as the relay got it
	 * @param relayed the request as the route's filters passed it to the upstream call
	 * ({@link UpstreamCall#refusingToken})
	 */
	Mono<Void> answer(ServerWebExchange exchange, ServerWebExchange relayed) {
		return this.tokenRelay.renewRefused(relayed).flatMap((renewed) -> {
			if (!renewed) {
				return UpstreamCall.writeAnswer(exchange);
			}
			UpstreamCall.withdrawAnswer(exchange);
			if (UpstreamCall.isChange(relayed.getRequest().getMethod())) {
				return Mono.error(new ProblemException(Problems.tokenRenewed(), null));
			}
			// Written as it comes, whatever it is: a second refusal is relayed.
			return this.relayAgain.apply(relayed).then(Mono.defer(() -> UpstreamCall.writeAnswer(exchange)));
		});
	}

}

package dev.porter.gateway.config;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * Answers what the firewall refuses as a problem naming the part of the request that was
 * refused: a header (by name, when the name itself is allowed) or the URL, told by the
 * firewall's own rules ({@link FirewallConfiguration}); a method it refuses is one the
 * gateway implements for no resource, {@code 501} (RFC 9110, 9.1). Never the refused
 * value, nor the firewall's message, which quotes it: a header may carry a credential.
 */
final class RejectedRequestProblems implements ServerExchangeRejectedHandler {

	private static final Logger log = LoggerFactory.getLogger(RejectedRequestProblems.class);

	private final ProblemWriter problems;

	RejectedRequestProblems(ProblemWriter problems) {
		this.problems = problems;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
		ProblemDetail problem = problemFor(exchange.getRequest());
		log.debug("request refused by the firewall: {}", problem.getProperties());
		return this.problems.write(exchange, problem);
	}

	private static ProblemDetail problemFor(ServerHttpRequest request) {
		if (!FirewallConfiguration.ALLOWED_METHODS.contains(request.getMethod())) {
			return Problems.methodNotImplemented("DELETE, GET, HEAD, OPTIONS, PATCH, POST and PUT");
		}
		for (String name : request.getHeaders().headerNames()) {
			if (!FirewallCharacters.HEADER_NAMES.test(name)) {
				return Problems.requestRejected("header", "A header name holds a control or unassigned character");
			}
			if (!request.getHeaders().getOrEmpty(name).stream().allMatch(FirewallCharacters.HEADER_VALUES)) {
				ProblemDetail problem = Problems.requestRejected("header",
						"The header holds a control or unassigned character");
				problem.setProperty("header", name);
				return problem;
			}
		}
		return Problems.requestRejected("url",
				"The URL holds an encoded '/', '.', '%' or ';', a '//', a backslash or a control character");
	}

}

package dev.porter.gateway.csrf;

import java.util.Set;

import dev.porter.gateway.problem.ProblemWriter;
import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Defence in depth behind the token: an unsafe request that the browser itself says came
 * from another site ({@code Sec-Fetch-Site: cross-site}) or from a sibling on the same
 * site ({@code same-site}, e.g. another subdomain — exactly who can plant cookies) is
 * refused. When the header is missing (curl, server-side clients, old browsers), the
 * token alone decides.
 *
 * @see <a href="https://www.w3.org/TR/fetch-metadata/">Fetch Metadata Request Headers</a>
 */
final class FetchSiteWebFilter implements WebFilter {

	static final String HEADER = "Sec-Fetch-Site";

	// "none": the user started it (typed URL, bookmark), never another page.
	private static final Set<String> ALLOWED = Set.of("same-origin", "none");

	private final ServerWebExchangeMatcher protectedRequests;

	private final ProblemWriter problems;

	FetchSiteWebFilter(ServerWebExchangeMatcher protectedRequests, ProblemWriter problems) {
		this.protectedRequests = protectedRequests;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String site = exchange.getRequest().getHeaders().getFirst(HEADER);
		if (site == null || ALLOWED.contains(site)) {
			return chain.filter(exchange);
		}
		return this.protectedRequests.matches(exchange)
			.flatMap((match) -> match.isMatch() ? this.problems.write(exchange, Problems.crossSiteRejected())
					: chain.filter(exchange));
	}

}

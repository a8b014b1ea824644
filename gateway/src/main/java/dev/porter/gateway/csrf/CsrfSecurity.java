package dev.porter.gateway.csrf;

import java.util.List;
import java.util.Set;

import dev.porter.gateway.problem.ProblemWriter;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The CSRF half of the security chain, for an SPA: every unsafe method must echo the
 * session's token (shown in the {@code XSRF-TOKEN} cookie) in {@code X-XSRF-TOKEN}, and
 * must not be marked cross-site or same-site by the browser; nor may any request but a
 * top-level navigation to the endpoints that spend a budget on every call. The
 * back-channel logout is exempt from both: the IdP calls it server to server and its
 * signed token is the proof.
 */
@Component
public class CsrfSecurity {

	/**
	 * The methods Spring's default CSRF matcher lets through: those a browser sends
	 * cross-site without asking, and that must change nothing.
	 */
	private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.TRACE,
			HttpMethod.OPTIONS);

	private static final PathPattern BACKCHANNEL_LOGOUT = PathPatternParser.defaultInstance
		.parse("/bff/backchannel-logout");

	/**
	 * Unsafe methods, except the back-channel logout: the requests that a browser must
	 * never send from another site. The same answer as Spring's
	 * {@code And(DEFAULT_CSRF_MATCHER, Not(pathMatchers(POST, "/bff/backchannel-logout")))},
	 * given without its chain of reactive operators, which every request paid for.
	 */
	static final ServerWebExchangeMatcher UNSAFE = (exchange) -> isUnsafe(exchange.getRequest()) ? MatchResult.match()
			: MatchResult.notMatch();

	/**
	 * Unsafe requests that carry a session of ours: only those need its token. Without a
	 * session there is nothing a forged request could act as (the API answers 401; the
	 * logout ends no session and only sends the browser to the IdP's logout without a
	 * hint, where any page can send it), and an SPA whose session ended must be told to
	 * sign in again, or be signed out, not that its request was forged.
	 */
	static final ServerWebExchangeMatcher PROTECTED = (exchange) -> isUnsafe(exchange.getRequest())
			? hasSession(exchange) : MatchResult.notMatch();

	/**
	 * Every request but a top-level navigation: a {@code GET} or {@code HEAD} the browser
	 * marks {@code Sec-Fetch-Mode: navigate} into a {@code document}, not as a prefetch
	 * or prerender. Not into a frame, an object or an embed: a page loads those as it
	 * likes, in a loop if it wants, and the {@code Lax} session cookie goes along from a
	 * sibling subdomain.
	 */
	static final ServerWebExchangeMatcher NOT_NAVIGATION = (exchange) -> isNavigation(exchange.getRequest())
			? MatchResult.notMatch() : MatchResult.match();

	/**
	 * {@link #UNSAFE} requests, and every request to {@code paths} but a top-level
	 * navigation ({@link #NOT_NAVIGATION}).
	 */
	static ServerWebExchangeMatcher unsafeOrNotNavigationTo(List<String> paths) {
		List<PathPattern> patterns = paths.stream().map(PathPatternParser.defaultInstance::parse).toList();
		return (exchange) -> {
			ServerHttpRequest request = exchange.getRequest();
			boolean refused = isUnsafe(request) || (!isNavigation(request) && matchesAny(patterns, request));
			return refused ? MatchResult.match() : MatchResult.notMatch();
		};
	}

	private final SessionCsrfTokenRepository tokens;

	private final ProblemWriter problems;

	CsrfSecurity(SessionCsrfTokenRepository tokens, ProblemWriter problems) {
		this.tokens = tokens;
		this.problems = problems;
	}

	/**
	 * For the main chain: another site's page may not send unsafe requests, nor anything
	 * but a top-level navigation to {@code budgeted}: endpoints that count every call
	 * against a budget (and may set cookies on a {@code GET}), which a page could
	 * otherwise spend with no-cors {@code GET}s in a loop — the login's budget is per
	 * client address, so a whole office's.
	 * @param budgeted the path patterns of those endpoints
	 */
	public void customize(ServerHttpSecurity http, List<String> budgeted) {
		customize(http, unsafeOrNotNavigationTo(budgeted));
	}

	/**
	 * For the relayed API's chain: another site's page may send it nothing at all but a
	 * top-level navigation (the user following a link). A no-cors {@code GET /me} from a
	 * sibling subdomain cannot read the answer, yet would spend the user's relay rate
	 * limit, which is per user and so every device's, and profile-service's capacity.
	 */
	public void customizeRelay(ServerHttpSecurity http) {
		customize(http, NOT_NAVIGATION);
	}

	private void customize(ServerHttpSecurity http, ServerWebExchangeMatcher refusedFromAnotherSite) {
		http.csrf(
				(csrf) -> csrf.csrfTokenRepository(this.tokens)
					.csrfTokenRequestHandler(new HeaderCsrfTokenRequestHandler())
					.requireCsrfProtectionMatcher(PROTECTED)
					.accessDeniedHandler((exchange, denied) -> this.problems
						.write(exchange, HeaderCsrfTokenRequestHandler.refusal(exchange))
						.then(Mono.empty())))
			// First after the headers: a refused request must reach no budget
			// (the login's runs next) and set no cookie. The session filters
			// ahead of the chain have read the session cookie already.
			.addFilterAfter(new FetchSiteWebFilter(refusedFromAnotherSite, this.problems),
					SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
			.addFilterAfter(new CsrfCookieWebFilter(), SecurityWebFiltersOrder.CSRF);
	}

	private static boolean isNavigation(ServerHttpRequest request) {
		HttpMethod method = request.getMethod();
		HttpHeaders headers = request.getHeaders();
		return (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
				&& "navigate".equals(headers.getFirst("Sec-Fetch-Mode"))
				&& "document".equals(headers.getFirst("Sec-Fetch-Dest")) && !isSpeculative(headers);
	}

	/**
	 * A prefetch or prerender ({@code Sec-Purpose}, or the older {@code Purpose}): it
	 * looks like a navigation, but a page asks for it, as many as it lists, and no user
	 * follows it. Pages cannot set either header themselves.
	 */
	private static boolean isSpeculative(HttpHeaders headers) {
		return headers.containsHeader("Sec-Purpose") || headers.containsHeader("Purpose");
	}

	private static boolean matchesAny(List<PathPattern> patterns, ServerHttpRequest request) {
		return patterns.stream().anyMatch((pattern) -> pattern.matches(request.getPath().pathWithinApplication()));
	}

	private static boolean isUnsafe(ServerHttpRequest request) {
		HttpMethod method = request.getMethod();
		if (SAFE.contains(method)) {
			return false;
		}
		return !(HttpMethod.POST.equals(method)
				&& BACKCHANNEL_LOGOUT.matches(request.getPath().pathWithinApplication()));
	}

	/**
	 * A started session, or (should anything ever authenticate a request without one) an
	 * authentication already in the Reactor context: either is something a forged request
	 * could act as. The gateway keeps its logins in the session, so in practice the
	 * session is what decides.
	 */
	private static Mono<MatchResult> hasSession(ServerWebExchange exchange) {
		return exchange.getSession()
			.filter(WebSession::isStarted)
			.map((session) -> true)
			.switchIfEmpty(ReactiveSecurityContextHolder.getContext()
				.filter((context) -> context.getAuthentication() != null)
				.map((context) -> true))
			.flatMap((found) -> MatchResult.match())
			.switchIfEmpty(MatchResult.notMatch());
	}

}

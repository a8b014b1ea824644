package dev.porter.gateway.devices;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.routing.UserRateLimiter;
import dev.porter.gateway.session.SessionKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The signed-in user's own sessions: {@code GET /bff/sessions} lists them (never a token,
 * never a session id — each is shown under its {@link SessionHandles handle});
 * {@code DELETE /bff/sessions/{id}} ends one, {@code DELETE /bff/sessions?others=true}
 * all but the current one. Another user's session and an unknown id are the same 404.
 * Each call spends a request budget of the calling session's ({@code RATE_LIMIT}, kept
 * apart from the relay's).
 * <p>
 * The current session is not ended here (409): signing out of the device in use is
 * {@code POST /bff/logout}, which also ends the IdP session and sends the browser to the
 * IdP's logout — a session ended here alone would sign straight back in through the IdP's
 * single sign-on at the next "Sign in", which is not what "sign out" means.
 */
@RestController
class SessionsController {

	/** Keeps this budget's counters apart from the relay's, which count by user. */
	private static final String BUDGET = "sessions:";

	private final UserSessions sessions;

	private final SessionEnder ender;

	private final UserRateLimiter budget;

	SessionsController(UserSessions sessions, SessionEnder ender, UserRateLimiter budget) {
		this.sessions = sessions;
		this.ender = ender;
		this.budget = budget;
	}

	@GetMapping(SessionsEndpoints.PATH)
	Mono<ResponseEntity<Map<String, List<SessionView>>>> list(@AuthenticationPrincipal OidcUser user,
			ServerWebExchange exchange) {
		return currentKeyWithinBudget(exchange)
			.flatMap((current) -> this.sessions.live(user.getSubject())
				.map((entry) -> SessionView.of(entry, current))
				.sort(SessionView.ORDER)
				.collectList())
			.map((sessions) -> ResponseEntity.ok()
				.cacheControl(CacheControl.noStore())
				.body(Map.of("sessions", sessions)));
	}

	@DeleteMapping(SessionsEndpoints.ONE)
	Mono<ResponseEntity<Void>> endOne(@AuthenticationPrincipal OidcUser user, @PathVariable String id,
			ServerWebExchange exchange) {
		return currentKeyWithinBudget(exchange)
			.flatMap((current) -> this.sessions.live(user.getSubject())
				.filter((entry) -> SessionHandles.of(entry.key()).equals(id))
				.next()
				.switchIfEmpty(Mono.error(() -> new ProblemException(Problems.sessionNotFound(), null)))
				.flatMap((entry) -> entry.key().equals(current)
						? Mono.error(new ProblemException(Problems.currentSessionNotDeletable(), null))
						: this.ender.end(entry, IdpSession.of(user))))
			.thenReturn(ResponseEntity.noContent().cacheControl(CacheControl.noStore()).build());
	}

	@DeleteMapping(SessionsEndpoints.PATH)
	Mono<ResponseEntity<Map<String, Long>>> endOthers(@AuthenticationPrincipal OidcUser user,
			@RequestParam(name = "others", required = false) @Nullable String others, ServerWebExchange exchange) {
		if (!"true".equals(others)) {
			return Mono.error(new ProblemException(Problems.invalidQueryParameter("others",
					"Send others=true to end every session but this one, or DELETE " + SessionsEndpoints.ONE
							+ " to end one"),
					null));
		}
		return currentKeyWithinBudget(exchange)
			.flatMap((current) -> this.ender.endAll(
					this.sessions.live(user.getSubject()).filter((entry) -> !entry.key().equals(current)),
					IdpSession.of(user)))
			.map((ended) -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(Map.of("ended", ended)));
	}

	/**
	 * The calling session's key, once a request is taken from that session's budget for
	 * these endpoints: each call looks up every session of the user. As large as the
	 * relay's ({@code RATE_LIMIT}), and apart from it, so that these calls never spend
	 * the budget the SPA's {@code /me} needs.
	 * <p>
	 * Per session, not per user: ending sessions is what a user does when someone else
	 * holds one of them, and a budget the whole account shared would let that session (a
	 * stolen cookie listing in a loop) answer every other device's {@code DELETE} with
	 * 429. One account still cannot script these lookups without bound: it holds at most
	 * {@code SESSION_MAX_PER_USER} sessions, and each new one costs a whole login through
	 * the IdP, which has its own budget per address ({@code LOGIN_RATE_LIMIT}).
	 */
	private Mono<SessionKey> currentKeyWithinBudget(ServerWebExchange exchange) {
		return exchange.getSession()
			.map(WebSession::getId)
			.map(SessionKey::of)
			.flatMap((current) -> this.budget.consume(BUDGET + current.value())
				.flatMap((decision) -> decision.allowed() ? Mono.just(current)
						: Mono.error(new ProblemException(Problems.rateLimited(decision.retryAfter()), null))));
	}

	/** One session as the SPA sees it. */
	record SessionView(String id, @JsonProperty("created_at") Instant createdAt,
			@JsonProperty("last_seen_at") Instant lastSeenAt, @JsonProperty("user_agent") @Nullable String userAgent,
			boolean current) {

		/** The current session first, then the most recently used. */
		static final Comparator<SessionView> ORDER = Comparator.comparing(SessionView::current)
			.reversed()
			.thenComparing(SessionView::lastSeenAt, Comparator.reverseOrder());

		static SessionView of(DirectoryEntry entry, SessionKey current) {
			return new SessionView(SessionHandles.of(entry.key()), entry.createdAt(), entry.lastSeenAt(),
					entry.userAgent(), entry.key().equals(current));
		}

	}

}

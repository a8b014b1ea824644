package dev.porter.gateway.session;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.gateway.problem.Problems;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * {@code GET /bff/session}: what the SPA needs to render signed-in or signed-out, from
 * the session alone — it never calls the IdP and never shows a token. {@code expires_at}
 * (epoch seconds) is when the session ends if left idle, capped by its absolute lifetime.
 */
@RestController
class SessionController {

	private final SessionProperties properties;

	private final Clock clock;

	@Autowired
	SessionController(SessionProperties properties, ObjectProvider<Clock> clock) {
		this(properties, clock.getIfAvailable(Clock::systemUTC));
	}

	SessionController(SessionProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	@GetMapping("/bff/session")
	Mono<ResponseEntity<Map<String, Object>>> session(ServerWebExchange exchange) {
		return exchange.getPrincipal()
			.filter((principal) -> principal instanceof Authentication auth && auth.getPrincipal() instanceof OidcUser)
			.flatMap((principal) -> exchange.getSession()
				.map((session) -> authenticated((OidcUser) ((Authentication) principal).getPrincipal(), session)))
			.defaultIfEmpty(anonymous())
			.map((body) -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body));
	}

	private Map<String, Object> authenticated(OidcUser user, WebSession session) {
		Map<String, Object> profile = new LinkedHashMap<>();
		profile.put("sub", user.getSubject());
		profile.put("name", user.getFullName());
		profile.put("email", user.getEmail());
		profile.put("picture", user.getPicture());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("authenticated", true);
		body.put("user", profile);
		body.put("expires_at", expiresAt(session).getEpochSecond());
		return body;
	}

	private Instant expiresAt(WebSession session) {
		Instant idleEnd = this.clock.instant().plus(this.properties.idleTimeout());
		Instant absoluteEnd = SessionLifetimeWebFilter.absoluteEnd(session, this.properties.absoluteLifetime());
		return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
	}

	private static Map<String, Object> anonymous() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("authenticated", false);
		body.put("login_url", Problems.LOGIN_URL);
		return body;
	}

}

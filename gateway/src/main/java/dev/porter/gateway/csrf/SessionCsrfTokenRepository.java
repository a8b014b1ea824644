package dev.porter.gateway.csrf;

import java.security.SecureRandom;
import java.util.Base64;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.cookie.RequestCookies;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.DefaultCsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The synchronizer token pattern with an SPA-friendly carrier: the token lives in the
 * server-side session and is only <em>shown</em> to the page in the readable
 * {@code XSRF-TOKEN} cookie, which axios and Angular echo in {@code X-XSRF-TOKEN}. The
 * cookie is never believed — a request is checked against the session's copy — so a
 * cookie planted by a sibling subdomain or over plain http forges nothing. Only a session
 * that already exists gets a token: an anonymous visit starts no session (nothing to
 * protect, and no store to fill). The token changes at login ({@link #rotate}) and dies
 * with the session at logout (Spring Security's {@code CsrfServerLogoutHandler} saves
 * {@code null}).
 *
 * @see <a href=
 * "https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#synchronizer-token-pattern">OWASP:
 * synchronizer token pattern</a>
 */
@Component
public class SessionCsrfTokenRepository implements ServerCsrfTokenRepository {

	/** Session attribute holding the token as a plain string. */
	public static final String SESSION_ATTRIBUTE = "porter.csrf-token";

	static final String COOKIE = "XSRF-TOKEN";

	static final String HEADER = "X-XSRF-TOKEN";

	static final String PARAMETER = "_csrf";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final boolean secureCookie;

	SessionCsrfTokenRepository(BffProperties bff) {
		this.secureCookie = bff.isHttps();
	}

	@Override
	public Mono<CsrfToken> generateToken(ServerWebExchange exchange) {
		return Mono.fromCallable(() -> token(newValue()));
	}

	/**
	 * Stores a token in a started session and shows it to the page; {@code null} (the
	 * logout) drops the session's. The page's cookie is expired only when this request's
	 * own session ends (its logout, its absolute lifetime), as the session cookie is
	 * ({@code session.SessionIdCookies}). A request whose session cookie named no session
	 * may be of one a login replaced, sent just before the browser took the login's
	 * cookies and answered after them: applied last, its expiry would take the new
	 * session's token from the page, and the page's next unsafe request (signing out)
	 * would be refused as forged. A cookie of no session is harmless: it is never
	 * believed, and the next session's token replaces it.
	 */
	@Override
	public Mono<Void> saveToken(ServerWebExchange exchange, @Nullable CsrfToken token) {
		return exchange.getSession().doOnNext((session) -> {
			if (token == null) {
				session.getAttributes().remove(SESSION_ATTRIBUTE);
				if (session.isStarted() || session.isExpired()) {
					expireCookie(exchange);
				}
			}
			else if (session.isStarted()) {
				session.getAttributes().put(SESSION_ATTRIBUTE, token.getToken());
				writeCookie(exchange, token.getToken());
			}
			else if (session.isExpired() && RequestCookies.first(exchange, COOKIE) != null) {
				// Ended by this request (its absolute lifetime): its token goes too.
				expireCookie(exchange);
			}
		}).then();
	}

	@Override
	public Mono<CsrfToken> loadToken(ServerWebExchange exchange) {
		return exchange.getSession()
			.flatMap((session) -> Mono.justOrEmpty(session.<String>getAttribute(SESSION_ATTRIBUTE)))
			.doOnNext((value) -> {
				// On every request of a session: read without decoding every cookie.
				if (!value.equals(RequestCookies.first(exchange, COOKIE))) {
					// Missing or planted: send the page the session's token again.
					writeCookie(exchange, value);
				}
			})
			.map(SessionCsrfTokenRepository::token);
	}

	/**
	 * Gives the session a new token and shows it to the page: called at login, so that no
	 * token known before signing in (to this browser or to anyone who set its cookies) is
	 * worth anything after.
	 */
	public Mono<Void> rotate(ServerWebExchange exchange) {
		return exchange.getSession().doOnNext((session) -> rotate(exchange, session)).then();
	}

	private void rotate(ServerWebExchange exchange, WebSession session) {
		String value = newValue();
		session.getAttributes().put(SESSION_ATTRIBUTE, value);
		writeCookie(exchange, value);
	}

	private void writeCookie(ServerWebExchange exchange, String value) {
		set(exchange.getResponse(), cookie(value).build());
	}

	private void expireCookie(ServerWebExchange exchange) {
		set(exchange.getResponse(), cookie("").maxAge(0).build());
	}

	private ResponseCookie.ResponseCookieBuilder cookie(String value) {
		// Readable by scripts on purpose: the page must copy it into the header.
		return ResponseCookie.from(COOKIE, value).httpOnly(false).secure(this.secureCookie).sameSite("Lax").path("/");
	}

	private static void set(ServerHttpResponse response, ResponseCookie cookie) {
		if (!response.isCommitted()) {
			response.getCookies().set(COOKIE, cookie);
		}
	}

	private static CsrfToken token(String value) {
		return new DefaultCsrfToken(HEADER, PARAMETER, value);
	}

	private static String newValue() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}

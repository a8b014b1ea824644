package dev.porter.gateway.problem;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.porter.common.RetryAfter;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Every problem the gateway writes: one place for type URIs and titles, so the SPA can
 * switch on {@code type}, and the one place where a wait becomes a problem's
 * {@code retry_after} member.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
public final class Problems {

	/** Where the SPA sends the browser to sign in. */
	public static final String LOGIN_URL = "/bff/login";

	/** Where the SPA posts to sign out. */
	public static final String LOGOUT_URL = "/bff/logout";

	/**
	 * The challenge of every {@code 401} the browser gets (RFC 9110, 15.5.2: a
	 * {@code 401} must carry one): sign in to get a session. A scheme no browser answers
	 * with a password prompt (never {@code Basic}, {@code Digest} or {@code Negotiate});
	 * the {@code login_url} member says where to go.
	 */
	private static final String LOGIN_CHALLENGE = "Session realm=\"porter\"";

	private static final String BASE = "https://porter.example/problems/";

	private static final String RETRY_AFTER_MEMBER = "retry_after";

	private Problems() {
	}

	/**
	 * Puts the gateway's challenge ({@link #LOGIN_CHALLENGE}) on an answer of
	 * {@code status} when it is a {@code 401}: the gateway's own problems, and relayed
	 * answers in place of the upstream's challenge, which is not passed (a {@code Bearer}
	 * one speaks of the gateway's token, which the browser neither holds nor sends, and a
	 * {@code Basic} one would open the browser's password prompt on the gateway's
	 * origin).
	 */
	public static void challengeIfUnauthorized(int status, HttpHeaders headers) {
		if (status == HttpStatus.UNAUTHORIZED.value()) {
			headers.set(HttpHeaders.WWW_AUTHENTICATE, LOGIN_CHALLENGE);
		}
	}

	public static ProblemDetail loginRequired(String detail) {
		ProblemDetail problem = of(HttpStatus.UNAUTHORIZED, "login-required", "Login required", detail);
		problem.setProperty("login_url", LOGIN_URL);
		return problem;
	}

	public static ProblemDetail invalidReturnTo() {
		return of(HttpStatus.BAD_REQUEST, "invalid-return-to", "Invalid returnTo",
				"returnTo must be a local path such as /profile");
	}

	public static ProblemDetail csrfRejected() {
		return of(HttpStatus.FORBIDDEN, "csrf", "CSRF check failed",
				"Send the XSRF-TOKEN cookie value in the X-XSRF-TOKEN header");
	}

	public static ProblemDetail accessDenied() {
		return of(HttpStatus.FORBIDDEN, "access-denied", "Access denied", "You may not do this");
	}

	public static ProblemDetail upstreamUnavailable(String upstream, Duration retryAfter) {
		ProblemDetail problem = of(HttpStatus.SERVICE_UNAVAILABLE, "upstream-unavailable", "Service unavailable",
				"The " + upstream + " is unavailable; try again later");
		return withRetryAfter(problem, retryAfter);
	}

	/**
	 * {@link #upstreamUnavailable} for a change the upstream received and did not answer
	 * whole: it may have been applied. The same status, type, title and wait, with
	 * profile-service's own words for such a change.
	 */
	public static ProblemDetail changeNotConfirmed(String upstream, Duration retryAfter) {
		ProblemDetail problem = upstreamUnavailable(upstream, retryAfter);
		problem.setDetail("The change was not confirmed, but it may have been applied. Read /me to see whether it "
				+ "was, or send it again: the same change sent twice has the same effect.");
		return problem;
	}

	public static ProblemDetail identityProviderUnavailable() {
		return of(HttpStatus.SERVICE_UNAVAILABLE, "idp-unavailable", "Identity provider unavailable",
				"Sign-in is unavailable right now; try again later");
	}

	public static ProblemDetail identityProviderUnavailable(Duration retryAfter) {
		return withRetryAfter(identityProviderUnavailable(), retryAfter);
	}

	/**
	 * A change the API refused for the session's access token, which the gateway has
	 * renewed since: not applied, and to be sent again, now, with the renewed token.
	 */
	public static ProblemDetail tokenRenewed() {
		ProblemDetail problem = of(HttpStatus.SERVICE_UNAVAILABLE, "token-renewed", "Session renewed",
				"The change was not applied: your session had to be renewed first");
		// The least wait Retry-After can say: the renewed token is already there.
		return withRetryAfter(problem, Duration.ZERO);
	}

	public static ProblemDetail rateLimited(Duration retryAfter) {
		ProblemDetail problem = of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
				"Slow down and retry later");
		return withRetryAfter(problem, retryAfter);
	}

	public static ProblemDetail sessionStoreFull(Duration retryAfter) {
		ProblemDetail problem = of(HttpStatus.SERVICE_UNAVAILABLE, "sessions-full", "Sign-in unavailable",
				"Too many people are signed in right now; try again later");
		return withRetryAfter(problem, retryAfter);
	}

	public static ProblemDetail invalidLogoutToken() {
		return of(HttpStatus.BAD_REQUEST, "invalid-logout-token", "Invalid logout token",
				"The logout_token was missing or did not validate");
	}

	public static ProblemDetail logoutTokenTooLarge(int maxBytes) {
		return of(HttpStatusCode.valueOf(413), "logout-token-too-large", "Logout token too large",
				"The logout_token form must be at most " + maxBytes + " bytes");
	}

	/**
	 * No session of the caller's has this id: unknown and another user's look the same.
	 */
	public static ProblemDetail sessionNotFound() {
		return of(HttpStatus.NOT_FOUND, "session-not-found", "Session not found",
				"You have no session with this id; it may have ended already");
	}

	/** The current session ends through the logout, which also signs out at the IdP. */
	public static ProblemDetail currentSessionNotDeletable() {
		ProblemDetail problem = of(HttpStatus.CONFLICT, "current-session", "This is your current session",
				"Sign out with POST " + LOGOUT_URL + " to end the session you are using");
		problem.setProperty("logout_url", LOGOUT_URL);
		return problem;
	}

	public static ProblemDetail invalidQueryParameter(String parameter, String detail) {
		ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter", detail);
		problem.setProperty("parameter", parameter);
		return problem;
	}

	/**
	 * A request the firewall refused: {@code part} names what was refused ({@code url} or
	 * {@code header}; a method is {@link #methodNotImplemented}).
	 */
	public static ProblemDetail requestRejected(String part, String detail) {
		ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "request-rejected", "Request rejected", detail);
		problem.setProperty("part", part);
		return problem;
	}

	/**
	 * A method the gateway implements for no resource ({@code TRACE}, {@code CONNECT}, or
	 * one it does not know): {@code 501}, as RFC 9110 9.1 asks, not {@code 405}, which
	 * would have to name the target's methods in {@code Allow}.
	 */
	public static ProblemDetail methodNotImplemented(String implemented) {
		return of(HttpStatus.NOT_IMPLEMENTED, "method-not-implemented", "Method not implemented",
				"The gateway takes " + implemented);
	}

	public static ProblemDetail crossSiteRejected() {
		ProblemDetail problem = of(HttpStatus.FORBIDDEN, "cross-site", "Cross-site request refused",
				"Unsafe requests must come from this origin");
		problem.setProperty("header", "Sec-Fetch-Site");
		return problem;
	}

	public static ProblemDetail unsupportedMediaType(String accepted) {
		ProblemDetail problem = of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
				"Unsupported media type", "Send the body as " + accepted);
		problem.setProperty("header", "Content-Type");
		return problem;
	}

	public static ProblemDetail bodyNotAllowed(String method, String header) {
		ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "body-not-allowed", "Body not allowed",
				"A " + method + " request carries no body");
		problem.setProperty("header", header);
		return problem;
	}

	public static ProblemDetail bodyTooLarge(int maxBytes) {
		ProblemDetail problem = of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Body too large",
				"The body may be at most " + maxBytes + " bytes");
		problem.setProperty("header", "Content-Length");
		return problem;
	}

	/**
	 * A form body that does not decode (a bad percent-escape): {@code field} names the
	 * field the endpoint reads.
	 */
	public static ProblemDetail invalidForm(String field) {
		ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "invalid-form", "Invalid form",
				"The body is not valid application/x-www-form-urlencoded; percent-encode the " + field + " field");
		problem.setProperty("field", field);
		return problem;
	}

	public static ProblemDetail bodyIncomplete() {
		ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "body-incomplete", "Body incomplete",
				"The body did not match its Content-Length");
		problem.setProperty("header", "Content-Length");
		return problem;
	}

	public static ProblemDetail requestTimeout() {
		return of(HttpStatus.REQUEST_TIMEOUT, "request-timeout", "Request timeout",
				"The request body did not arrive in time");
	}

	/**
	 * A request Reactor Netty could not decode: 414 (request line too long), 431 (headers
	 * too large) or 400 (anything else malformed).
	 */
	public static ProblemDetail undecodableRequest(HttpStatus status) {
		return switch (status) {
			case URI_TOO_LONG ->
				of(status, "uri-too-long", "URI too long", "The request line is longer than the gateway accepts");
			case REQUEST_HEADER_FIELDS_TOO_LARGE -> of(status, "header-fields-too-large",
					"Request header fields too large", "The request headers are larger than the gateway accepts");
			default -> of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
					"The request is not valid HTTP/1.1");
		};
	}

	/** A problem for a status the gateway did not name, e.g. a 404 from the framework. */
	public static ProblemDetail forStatus(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		String title = (known != null) ? known.getReasonPhrase() : "Error";
		return of(status, "http-" + status.value(), title, null);
	}

	/**
	 * Adds the {@code retry_after} member: the wait in whole seconds, rounded up and at
	 * least one ({@link RetryAfter}). {@link ProblemWriter} and {@link ProblemException}
	 * take the {@code Retry-After} header from this member, so the two always agree.
	 */
	static ProblemDetail withRetryAfter(ProblemDetail problem, Duration wait) {
		problem.setProperty(RETRY_AFTER_MEMBER, RetryAfter.seconds(wait));
		return problem;
	}

	/**
	 * The {@code Retry-After} header for a problem, from its {@code retry_after} member.
	 * @param problem a problem made here
	 * @return delta-seconds, or {@code null} when the problem asks for no wait
	 */
	static @Nullable String retryAfterHeader(ProblemDetail problem) {
		Map<String, Object> properties = problem.getProperties();
		Object seconds = (properties != null) ? properties.get(RETRY_AFTER_MEMBER) : null;
		return (seconds instanceof Number number) ? Long.toString(number.longValue()) : null;
	}

	private static ProblemDetail of(HttpStatusCode status, String slug, String title, @Nullable String detail) {
		ProblemDetail problem = ProblemDetail.forStatus(status);
		problem.setType(URI.create(BASE + slug));
		problem.setTitle(title);
		if (detail != null) {
			problem.setDetail(detail);
		}
		return problem;
	}

}

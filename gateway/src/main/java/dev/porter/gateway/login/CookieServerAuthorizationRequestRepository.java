package dev.porter.gateway.login;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.client.web.server.ServerAuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keeps a started login in the browser rather than in a server session: the authorization
 * request travels sealed (encrypted and authenticated) in a short-lived cookie, so
 * anonymous visitors who start logins — any number of them — hold no memory on the
 * gateway and no key in Redis. A cookie that is missing, altered, sealed with another key
 * or older than {@code LOGIN_TIMEOUT} loads as nothing, which fails the callback as
 * Spring Security fails an unknown {@code state}. So does a callback whose {@code state}
 * is not the pending login's, which leaves the cookie in place: a stale tab, or another
 * site sending the browser to the callback, must not cancel the login under way.
 */
class CookieServerAuthorizationRequestRepository
		implements ServerAuthorizationRequestRepository<OAuth2AuthorizationRequest> {

	private static final String COMPLETED = CookieServerAuthorizationRequestRepository.class.getName() + ".COMPLETED";

	private final String cookieName;

	private final boolean secure;

	private final Duration timeout;

	private final LoginRequestCipher cipher;

	private final JsonMapper json;

	private final Clock clock;

	CookieServerAuthorizationRequestRepository(String cookieName, boolean secure, Duration timeout,
			LoginRequestCipher cipher, JsonMapper json, Clock clock) {
		this.cookieName = cookieName;
		this.secure = secure;
		this.timeout = timeout;
		this.cipher = cipher;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * The authorization request the callback of this exchange completed, or {@code null}
	 * before (or without) one.
	 */
	static @Nullable OAuth2AuthorizationRequest completed(ServerWebExchange exchange) {
		return exchange.getAttribute(COMPLETED);
	}

	@Override
	public Mono<OAuth2AuthorizationRequest> loadAuthorizationRequest(ServerWebExchange exchange) {
		return Mono.fromSupplier(() -> read(exchange).filter((pending) -> ofThisCallback(pending, exchange)))
			.flatMap(Mono::justOrEmpty);
	}

	@Override
	public Mono<Void> saveAuthorizationRequest(@Nullable OAuth2AuthorizationRequest request,
			ServerWebExchange exchange) {
		return Mono.fromRunnable(() -> {
			if (request == null) {
				expire(exchange);
				return;
			}
			long expiresAt = this.clock.instant().plus(this.timeout).getEpochSecond();
			byte[] payload = this.json.writeValueAsBytes(PendingLogin.of(request, expiresAt));
			exchange.getResponse().addCookie(cookie(this.cipher.seal(payload), this.timeout));
		});
	}

	@Override
	public Mono<OAuth2AuthorizationRequest> removeAuthorizationRequest(ServerWebExchange exchange) {
		return Mono.fromSupplier(() -> {
			Optional<OAuth2AuthorizationRequest> pending = read(exchange);
			Optional<OAuth2AuthorizationRequest> request = pending.filter((found) -> ofThisCallback(found, exchange));
			// A cookie that holds no usable login goes too; one of another callback
			// stays.
			if (exchange.getRequest().getCookies().containsKey(this.cookieName)
					&& (request.isPresent() || pending.isEmpty())) {
				expire(exchange);
			}
			request.ifPresent((completed) -> exchange.getAttributes().put(COMPLETED, completed));
			return request;
		}).flatMap(Mono::justOrEmpty);
	}

	private static boolean ofThisCallback(OAuth2AuthorizationRequest pending, ServerWebExchange exchange) {
		String state = exchange.getRequest().getQueryParams().getFirst(OAuth2ParameterNames.STATE);
		return pending.getState().equals(state);
	}

	private Optional<OAuth2AuthorizationRequest> read(ServerWebExchange exchange) {
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(this.cookieName);
		byte[] payload = (cookie != null) ? this.cipher.open(cookie.getValue()) : null;
		if (payload == null) {
			return Optional.empty();
		}
		try {
			PendingLogin pending = this.json.readValue(new String(payload, StandardCharsets.UTF_8), PendingLogin.class);
			boolean current = this.clock.instant().getEpochSecond() < pending.expiresAt();
			return current ? Optional.of(pending.toRequest()) : Optional.empty();
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private void expire(ServerWebExchange exchange) {
		exchange.getResponse().addCookie(cookie("", Duration.ZERO));
	}

	private ResponseCookie cookie(String value, Duration maxAge) {
		return ResponseCookie.from(this.cookieName, value)
			.httpOnly(true)
			.secure(this.secure)
			.sameSite("Lax")
			.path("/")
			.maxAge(maxAge)
			.build();
	}

}

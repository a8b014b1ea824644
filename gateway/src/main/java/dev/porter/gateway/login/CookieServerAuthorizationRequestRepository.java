package dev.porter.gateway.login;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.porter.gateway.crypto.Sha256;
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
 * gateway and no key in Redis.
 * <p>
 * Each pending login has a cookie of its own, named after its {@code state}: a browser
 * whose second tab starts a login while the first tab's is at the IdP keeps both, and
 * each callback finds its own. A browser keeps at most {@link #MAX_PENDING} of them, and
 * their names and values together within {@link #MAX_PENDING_BYTES}; a new login drops
 * the oldest beyond that (and any that timed out or do not open).
 * <p>
 * A cookie that is missing, altered, sealed with another key or under another name, or
 * older than {@code LOGIN_TIMEOUT} loads as nothing, which fails the callback as Spring
 * Security fails an unknown {@code state}; so does a callback whose {@code state} is no
 * pending login's of this browser. Such a callback leaves the browser's pending logins in
 * place: a stale tab, or another site sending the browser to the callback, must not
 * cancel a login under way.
 */
class CookieServerAuthorizationRequestRepository
		implements ServerAuthorizationRequestRepository<OAuth2AuthorizationRequest> {

	/** Logins one browser keeps pending at once: one per tab that clicked "Sign in". */
	static final int MAX_PENDING = 3;

	/**
	 * The most the pending logins' cookies (names and values) weigh together: what one
	 * login's largest cookie takes (RFC 6265's least a browser keeps of one cookie). They
	 * ride on every request of the browser until they complete or time out, and the
	 * request's headers must stay within the gateway's limit (8 KiB) with the session's
	 * cookies beside them; a long {@code returnTo} in a crafted link followed a few times
	 * must not lock the browser out of the site for {@code LOGIN_TIMEOUT}.
	 */
	static final int MAX_PENDING_BYTES = 4096;

	private static final String COMPLETED = CookieServerAuthorizationRequestRepository.class.getName() + ".COMPLETED";

	/** Hex digits of the state's hash in a cookie's name: enough to tell a few apart. */
	private static final int NAME_KEY_LENGTH = 8;

	private final String namePrefix;

	private final boolean secure;

	private final Duration timeout;

	private final LoginRequestCipher cipher;

	private final JsonMapper json;

	private final Clock clock;

	/**
	 * @param namePrefix what each pending login's cookie name starts with; a hash of its
	 * {@code state} follows
	 */
	CookieServerAuthorizationRequestRepository(String namePrefix, boolean secure, Duration timeout,
			LoginRequestCipher cipher, JsonMapper json, Clock clock) {
		this.namePrefix = namePrefix;
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
		return Mono.fromSupplier(() -> ofThisCallback(exchange).flatMap(CallbackCookie::request))
			.flatMap(Mono::justOrEmpty);
	}

	@Override
	public Mono<Void> saveAuthorizationRequest(@Nullable OAuth2AuthorizationRequest request,
			ServerWebExchange exchange) {
		return Mono.fromRunnable(() -> {
			if (request == null) {
				ofThisCallback(exchange).ifPresent((cookie) -> expire(exchange, cookie.name()));
				return;
			}
			long expiresAt = this.clock.instant().plus(this.timeout).toEpochMilli();
			byte[] payload = this.json.writeValueAsBytes(PendingLogin.of(request, expiresAt));
			String name = cookieName(request.getState());
			String value = this.cipher.seal(payload, name);
			keepBeside(exchange, name, MAX_PENDING_BYTES - (name.length() + value.length()));
			exchange.getResponse().addCookie(cookie(name, value, this.timeout));
		});
	}

	@Override
	public Mono<OAuth2AuthorizationRequest> removeAuthorizationRequest(ServerWebExchange exchange) {
		return Mono.fromSupplier(() -> {
			Optional<CallbackCookie> cookie = ofThisCallback(exchange);
			Optional<OAuth2AuthorizationRequest> request = cookie.flatMap(CallbackCookie::request);
			// Its cookie goes once used, or when it holds no usable login; one that holds
			// another login (a clash of hashes) stays.
			cookie.filter((found) -> request.isPresent() || found.sealed().isEmpty())
				.ifPresent((used) -> expire(exchange, used.name()));
			request.ifPresent((completed) -> exchange.getAttributes().put(COMPLETED, completed));
			return request;
		}).flatMap(Mono::justOrEmpty);
	}

	/**
	 * The cookie named after the callback's {@code state}, if the browser sent one, with
	 * what it holds.
	 */
	private Optional<CallbackCookie> ofThisCallback(ServerWebExchange exchange) {
		String state = exchange.getRequest().getQueryParams().getFirst(OAuth2ParameterNames.STATE);
		if (state == null) {
			return Optional.empty();
		}
		String name = cookieName(state);
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(name);
		return Optional.ofNullable(cookie)
			.map((found) -> new CallbackCookie(name, state, read(name, found.getValue()).map(PendingLogin::toRequest)));
	}

	/**
	 * Expires the browser's pending logins that the login being saved leaves no room for
	 * (the oldest past {@link #MAX_PENDING}, or past {@code room} bytes), and those that
	 * timed out or do not open.
	 */
	private void keepBeside(ServerWebExchange exchange, String newName, int room) {
		List<Kept> kept = new ArrayList<>();
		exchange.getRequest().getCookies().forEach((name, cookies) -> {
			// The same login saved again (or a clash of hashes) is replaced by the new
			// cookie.
			if (!isPendingLoginName(name) || name.equals(newName)) {
				return;
			}
			String value = cookies.get(0).getValue();
			Optional<PendingLogin> pending = read(name, value);
			if (pending.isEmpty()) {
				expire(exchange, name);
				return;
			}
			kept.add(new Kept(name, name.length() + value.length(), pending.get().expiresAtMillis()));
		});
		// Newest first: once one does not fit, it goes, and every older one with it.
		kept.sort(Comparator.comparingLong(Kept::expiresAtMillis).reversed());
		int left = room;
		for (int i = 0; i < kept.size(); i++) {
			// Kept so far: i of these, and the login being saved.
			if (i + 1 >= MAX_PENDING || kept.get(i).bytes() > left) {
				kept.subList(i, kept.size()).forEach((dropped) -> expire(exchange, dropped.name()));
				return;
			}
			left -= kept.get(i).bytes();
		}
	}

	private boolean isPendingLoginName(String name) {
		return name.length() == this.namePrefix.length() + NAME_KEY_LENGTH && name.startsWith(this.namePrefix);
	}

	/**
	 * The cookie name of the login with {@code state}: a hash, not the state itself,
	 * whatever characters the state has; a clash is harmless, as the sealed state is
	 * compared with the callback's.
	 */
	private String cookieName(String state) {
		return this.namePrefix + HexFormat.of().formatHex(Sha256.of(state)).substring(0, NAME_KEY_LENGTH);
	}

	/** The pending login sealed under {@code name}, if it opens and has not timed out. */
	private Optional<PendingLogin> read(String name, String value) {
		byte[] payload = this.cipher.open(value, name);
		if (payload == null) {
			return Optional.empty();
		}
		try {
			PendingLogin pending = this.json.readValue(new String(payload, StandardCharsets.UTF_8), PendingLogin.class);
			boolean current = this.clock.millis() < pending.expiresAtMillis();
			return current ? Optional.of(pending) : Optional.empty();
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private void expire(ServerWebExchange exchange, String name) {
		exchange.getResponse().addCookie(cookie(name, "", Duration.ZERO));
	}

	private ResponseCookie cookie(String name, String value, Duration maxAge) {
		return ResponseCookie.from(name, value)
			.httpOnly(true)
			.secure(this.secure)
			.sameSite("Lax")
			.path("/")
			.maxAge(maxAge)
			.build();
	}

	/**
	 * The cookie a callback's {@code state} names, and the login sealed in it, if it
	 * opens and is current.
	 */
	private record CallbackCookie(String name, String state, Optional<OAuth2AuthorizationRequest> sealed) {

		/** The login, if it is the callback's own. */
		Optional<OAuth2AuthorizationRequest> request() {
			return this.sealed.filter((found) -> found.getState().equals(this.state));
		}

	}

	/** A pending login beside the one being saved: its cookie's name, size and expiry. */
	private record Kept(String name, int bytes, long expiresAtMillis) {
	}

}

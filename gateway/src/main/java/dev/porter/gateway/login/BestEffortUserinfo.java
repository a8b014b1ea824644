package dev.porter.gateway.login;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatusCode;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.userinfo.DefaultReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The login's {@code /userinfo} call, which a login can do without: when the IdP cannot
 * answer it just now ({@code 429}, a {@code 5xx}, no whole answer within
 * {@code OIDC_RESPONSE_TIMEOUT}, a refused or dropped connection) it answers nothing,
 * with one warning, and {@link OidcReactiveOAuth2UserService} signs the user in with the
 * ID token's claims alone. Auth0 allows {@code /userinfo} 5 calls a minute per user,
 * shared with profile-service's {@code /me}: a user signing in on a few devices would
 * otherwise be locked out. Any other failure is about this login (a refused access token,
 * a broken answer) and still fails it, as does an answer for another user, which Spring
 * checks.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#UserInfo">OIDC Core
 * 5.3 UserInfo Endpoint</a>
 */
final class BestEffortUserinfo implements ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> {

	private static final Logger log = LoggerFactory.getLogger(BestEffortUserinfo.class);

	private final ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> userinfo;

	private final Duration timeout;

	/**
	 * @param timeout how long the whole call may take: the IdP client bounds the gap
	 * between two reads, and an answer trickled in would hold the callback for as long
	 */
	BestEffortUserinfo(ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> userinfo, Duration timeout) {
		this.userinfo = userinfo;
		this.timeout = timeout;
	}

	/**
	 * Spring Security's call through the IdP client, with its bounded waits, taking at
	 * most {@code timeout} as a whole.
	 */
	static BestEffortUserinfo through(WebClient idpWebClient, Duration timeout) {
		DefaultReactiveOAuth2UserService userinfo = new DefaultReactiveOAuth2UserService();
		// Spring reports every error answer alike (invalid_user_info_response): the
		// status is kept here, before Spring reads the answer.
		userinfo.setWebClient(idpWebClient.mutate()
			.filter(ExchangeFilterFunction.ofResponseProcessor(BestEffortUserinfo::busyAsError))
			.build());
		return new BestEffortUserinfo(userinfo, timeout);
	}

	/** The user's claims, or empty when the IdP could not answer just now. */
	@Override
	public Mono<OAuth2User> loadUser(OAuth2UserRequest request) {
		return this.userinfo.loadUser(request)
			.timeout(this.timeout)
			.onErrorResume(BestEffortUserinfo::idpBusy, (ex) -> withoutUserinfo(request, ex));
	}

	private static Mono<OAuth2User> withoutUserinfo(OAuth2UserRequest request, Throwable ex) {
		@Nullable String sub = (request instanceof OidcUserRequest oidc) ? oidc.getIdToken().getSubject() : null;
		// The reason by type or status only: messages can quote the IdP's answer.
		log.warn("login without userinfo, with the ID token's claims: sub={} reason={}", sub, reason(ex));
		return Mono.empty();
	}

	private static boolean idpBusy(Throwable ex) {
		// Spring wraps every error (OAuth2AuthenticationException), keeping the cause.
		return reason(ex) != null;
	}

	/** Why the IdP could not answer, or {@code null} when the failure is the login's. */
	private static @Nullable String reason(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof BusyAnswer busy) {
				return "status " + busy.status;
			}
			// No whole answer within the call's timeout.
			if (cause instanceof TimeoutException) {
				return cause.getClass().getSimpleName();
			}
			// No answer: refused, reset or timed out before the IdP's response.
			if (cause instanceof WebClientRequestException request) {
				Throwable root = request.getMostSpecificCause();
				return root.getClass().getSimpleName();
			}
		}
		return null;
	}

	private static Mono<ClientResponse> busyAsError(ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		if (status.value() == 429 || status.is5xxServerError()) {
			return response.releaseBody().then(Mono.error(new BusyAnswer(status)));
		}
		return Mono.just(response);
	}

	/** The IdP's answer that it cannot serve the call just now. */
	private static final class BusyAnswer extends RuntimeException {

		private final int status;

		BusyAnswer(HttpStatusCode status) {
			super("userinfo answered " + status.value(), null, false, false);
			this.status = status.value();
		}

	}

}

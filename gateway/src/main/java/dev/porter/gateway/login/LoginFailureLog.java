package dev.porter.gateway.login;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.porter.common.OncePerInterval;
import dev.porter.common.RedisRefusals;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * Failed logins, logged at most once per {@link #INTERVAL} per reason, with a count:
 * anyone can call the callback without a pending login, and a line per request let a loop
 * fill the log. An operator's fault names the setting to check: the gateway's client
 * credentials (an {@code ERROR}), or the API audience. {@code porter.logins} counts every
 * failure, a login refused at its start for its {@code returnTo} too.
 */
final class LoginFailureLog {

	static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final Logger log = LoggerFactory.getLogger(LoginSecurity.class);

	/**
	 * The codes logged as they come. The callback's {@code error} is whatever its URL
	 * says: another code would put a caller's text in the log, and a counter in memory
	 * per value.
	 */
	private static final Set<String> KNOWN_CODES = Set.of(OAuth2ErrorCodes.INVALID_REQUEST,
			OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, OAuth2ErrorCodes.ACCESS_DENIED,
			OAuth2ErrorCodes.UNSUPPORTED_RESPONSE_TYPE, OAuth2ErrorCodes.INVALID_SCOPE,
			OAuth2ErrorCodes.INSUFFICIENT_SCOPE, OAuth2ErrorCodes.INVALID_TOKEN, OAuth2ErrorCodes.SERVER_ERROR,
			OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE, OAuth2ErrorCodes.INVALID_CLIENT, OAuth2ErrorCodes.INVALID_GRANT,
			OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE, OAuth2ErrorCodes.INVALID_REDIRECT_URI,
			// OpenID Connect Core 3.1.2.6, and Auth0's own
			"interaction_required", "login_required", "account_selection_required", "consent_required",
			"invalid_request_uri", "invalid_request_object", "request_not_supported", "request_uri_not_supported",
			"registration_not_supported", "unauthorized", "mfa_required",
			// Spring Security's checks of the callback
			"authorization_request_not_found", "client_registration_not_found", "invalid_state_parameter",
			"invalid_redirect_uri_parameter", "invalid_token_response", "invalid_id_token", "invalid_nonce",
			"missing_signature_verifier", "invalid_user_info_response", "missing_user_info_uri",
			"missing_user_name_attribute");

	private final Clock clock;

	private final Map<String, OncePerInterval> reasons = new ConcurrentHashMap<>();

	LoginFailureLog(Clock clock) {
		this.clock = clock;
	}

	void failed(Throwable ex) {
		CodeExchangeError answer = codeExchangeError(ex);
		String code = code(ex);
		if (answer != null && answer.clientRejected()) {
			long count = count("client rejected");
			if (count > 0) {
				log.error(
						"login failed: the IdP rejected the gateway's client credentials at the code exchange "
								+ "({} {}): check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET; {} since the last report",
						answer.status().value(), code, count);
			}
		}
		else if (answer == null && OAuth2ErrorCodes.ACCESS_DENIED.equals(code)) {
			long count = count(code);
			if (count > 0) {
				log.warn("login failed: access_denied at the IdP: the user refused consent, an Action denied the "
						+ "login, or API_AUDIENCE is not an API of the tenant (Auth0: \"Service not found\"); "
						+ "{} since the last report", count);
			}
		}
		else {
			String reason = code + detail(ex, answer);
			long count = count(reason);
			if (count > 0) {
				log.warn("login failed: {}; {} since the last report", reason, count);
			}
		}
	}

	/**
	 * A login refused at its start for a {@code returnTo} that is no local path: logged
	 * by the rule it broke ({@link ReturnTo.Fault}), one of a fixed few, never by its
	 * value.
	 */
	void returnToRefused(ReturnTo.Fault fault) {
		long count = count("returnTo " + fault.name());
		if (count > 0) {
			log.warn("login failed: returnTo {} (a stale or mangled link, or an SPA that sends a URL for its path); "
					+ "{} since the last report", fault.description(), count);
		}
	}

	private long count(String reason) {
		return this.reasons.computeIfAbsent(reason, (key) -> OncePerInterval.of(INTERVAL, this.clock)).count();
	}

	/**
	 * The OAuth 2.0 code if known, else the type: never the message, which can quote the
	 * IdP.
	 */
	private static String code(Throwable ex) {
		if (ex instanceof OAuth2AuthenticationException oauth) {
			String code = oauth.getError().getErrorCode();
			return KNOWN_CODES.contains(code) ? code : "an unknown OAuth 2.0 error code";
		}
		return ex.getClass().getSimpleName();
	}

	/**
	 * The token endpoint's status, or the root cause's type, which tells a dropped
	 * connection from an IdP's answer, with Redis's refusal when it refused to store the
	 * login (full, a replica): the type alone does not say why.
	 */
	private static String detail(Throwable ex, @Nullable CodeExchangeError answer) {
		if (answer != null) {
			return " (token endpoint status " + answer.status().value() + ")";
		}
		Throwable root = NestedExceptionUtils.getRootCause(ex);
		return (root != null) ? " (" + root.getClass().getSimpleName() + RedisRefusals.describe(ex) + ")" : "";
	}

	private static @Nullable CodeExchangeError codeExchangeError(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof CodeExchangeError answer) {
				return answer;
			}
		}
		return null;
	}

}

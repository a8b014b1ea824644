package dev.porter.devidp.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AuthorizationCodeRequestAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Names the IdP session of the browser that signed in, so that its ID tokens carry that
 * session's {@code sid}, as Auth0 gives every login session its own. Spring Authorization
 * Server picks, at the code exchange, the user's most recently active session instead:
 * one user signing in from several browsers at once shared a few {@code sid}s (200
 * parallel logins, 47 sids), an RP-initiated logout naming one browser's {@code sid} was
 * refused in the browser whose session it was not, and a back-channel logout by
 * {@code sid} reached every browser that shared it. The authorization request is the last
 * moment the browser is present, so this converter of {@code /authorize} requests records
 * the session there, with the request the authorization keeps; a client's own value under
 * that name is dropped.
 */
final class SigningInSession implements AuthenticationConverter {

	static final String PARAMETER = "dev_idp_sid";

	private final AuthenticationConverter delegate;

	SigningInSession(AuthenticationConverter delegate) {
		this.delegate = delegate;
	}

	/**
	 * Wraps the converter of code requests; other converters are returned as they are.
	 */
	static AuthenticationConverter recordedBy(AuthenticationConverter converter) {
		return (converter instanceof OAuth2AuthorizationCodeRequestAuthenticationConverter)
				? new SigningInSession(converter) : converter;
	}

	@Override
	public @Nullable Authentication convert(HttpServletRequest request) {
		Authentication converted = this.delegate.convert(request);
		if (!(converted instanceof OAuth2AuthorizationCodeRequestAuthenticationToken codeRequest)) {
			return converted;
		}
		Map<String, Object> parameters = new HashMap<>(codeRequest.getAdditionalParameters());
		parameters.remove(PARAMETER);
		HttpSession session = request.getSession(false);
		if (session != null) {
			parameters.put(PARAMETER, sid(session.getId()));
		}
		return new OAuth2AuthorizationCodeRequestAuthenticationToken(codeRequest.getAuthorizationUri(),
				codeRequest.getClientId(), (Authentication) codeRequest.getPrincipal(), codeRequest.getRedirectUri(),
				codeRequest.getState(), codeRequest.getScopes(), parameters);
	}

	/** The {@code sid} of the session that signed in for this authorization, if known. */
	static @Nullable String sidOf(@Nullable OAuth2Authorization authorization) {
		if (authorization == null) {
			return null;
		}
		OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
		if (request != null && request.getAdditionalParameters().get(PARAMETER) instanceof String sid) {
			return sid;
		}
		return null;
	}

	/**
	 * A session's {@code sid}: the unpadded base64url SHA-256 of its id, as Spring
	 * Authorization Server computes it when it checks an {@code id_token_hint}'s
	 * {@code sid} against the browser's session.
	 */
	static String sid(String sessionId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

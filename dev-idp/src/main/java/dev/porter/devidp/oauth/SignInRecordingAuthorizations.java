package dev.porter.devidp.oauth;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Stores authorizations in the wrapped service and tells {@link SessionSignIns} about
 * each one saved, so that an ID token issued through a session is known by that session's
 * {@code sid} when it ends.
 */
final class SignInRecordingAuthorizations implements OAuth2AuthorizationService {

	private final OAuth2AuthorizationService delegate;

	private final SessionSignIns signIns;

	SignInRecordingAuthorizations(OAuth2AuthorizationService delegate, SessionSignIns signIns) {
		this.delegate = delegate;
		this.signIns = signIns;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		this.delegate.save(authorization);
		this.signIns.record(authorization);
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		this.delegate.remove(authorization);
	}

	@Override
	public @Nullable OAuth2Authorization findById(String id) {
		return this.delegate.findById(id);
	}

	@Override
	public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
		return this.delegate.findByToken(token, tokenType);
	}

}

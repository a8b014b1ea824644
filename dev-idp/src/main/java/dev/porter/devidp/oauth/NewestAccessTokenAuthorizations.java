package dev.porter.devidp.oauth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Finds an access token's newest authorization. Auth0's access tokens carry no
 * {@code jti}, so two logins of one user to one client within the same second get
 * byte-identical tokens (RS256 signatures are deterministic). Auth0 checks them without
 * state, so both work; the authorization server looks a token up by value, and could find
 * the older login's authorization, revoked at its logout, and answer the newer login's
 * {@code /userinfo} with 401.
 */
final class NewestAccessTokenAuthorizations implements OAuth2AuthorizationService {

	private final OAuth2AuthorizationService delegate;

	/** Access token value to the id of the authorization that was issued it last. */
	private final Map<String, String> newest = new ConcurrentHashMap<>();

	NewestAccessTokenAuthorizations(OAuth2AuthorizationService delegate) {
		this.delegate = delegate;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		String issued = accessToken(authorization);
		OAuth2Authorization before = this.delegate.findById(authorization.getId());
		this.delegate.save(authorization);
		// Revoking or re-saving an authorization is not a newer issuance of its token.
		if (issued != null && (before == null || !issued.equals(accessToken(before)))) {
			this.newest.put(issued, authorization.getId());
		}
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		this.delegate.remove(authorization);
		String issued = accessToken(authorization);
		if (issued != null) {
			this.newest.remove(issued, authorization.getId());
		}
	}

	@Override
	public @Nullable OAuth2Authorization findById(String id) {
		return this.delegate.findById(id);
	}

	@Override
	public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
		if (tokenType == null || OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) {
			String id = this.newest.get(token);
			OAuth2Authorization authorization = (id != null) ? this.delegate.findById(id) : null;
			if (authorization != null) {
				return authorization;
			}
		}
		return this.delegate.findByToken(token, tokenType);
	}

	private static @Nullable String accessToken(OAuth2Authorization authorization) {
		OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
		return (token != null) ? token.getToken().getTokenValue() : null;
	}

}

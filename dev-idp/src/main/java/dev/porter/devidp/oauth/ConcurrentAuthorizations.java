package dev.porter.devidp.oauth;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The authorization store, safe under parallel logins. Spring Authorization Server's
 * {@code InMemoryOAuth2AuthorizationService} fails them twice: it iterates its map of
 * logins awaiting their code exchange without holding that map's lock (a login saved
 * meanwhile threw {@code ConcurrentModificationException}, about 1.5 % of 2 000 parallel
 * logins), and it keeps only the newest 100 of those logins, so the 101st concurrent
 * login evicted the first one's code. Here every authorization lives in one concurrent
 * map until it is removed; like everything in dev-idp it is gone at restart.
 */
final class ConcurrentAuthorizations implements OAuth2AuthorizationService {

	private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

	private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);

	private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType(OidcParameterNames.ID_TOKEN);

	private static final OAuth2TokenType USER_CODE = new OAuth2TokenType(OAuth2ParameterNames.USER_CODE);

	private static final OAuth2TokenType DEVICE_CODE = new OAuth2TokenType(OAuth2ParameterNames.DEVICE_CODE);

	private final Map<String, OAuth2Authorization> byId = new ConcurrentHashMap<>();

	@Override
	public void save(OAuth2Authorization authorization) {
		this.byId.put(authorization.getId(), authorization);
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		this.byId.remove(authorization.getId(), authorization);
	}

	@Override
	public @Nullable OAuth2Authorization findById(String id) {
		return this.byId.get(id);
	}

	@Override
	public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
		// ConcurrentHashMap iterates without ever throwing on a concurrent change.
		return this.byId.values()
			.stream()
			.filter((authorization) -> matches(authorization, token, tokenType))
			.findFirst()
			.orElse(null);
	}

	private static boolean matches(OAuth2Authorization authorization, String token,
			@Nullable OAuth2TokenType tokenType) {
		if (tokenType == null) {
			return token.equals(authorization.getAttribute(OAuth2ParameterNames.STATE))
					|| hasToken(authorization, token, OAuth2AuthorizationCode.class)
					|| hasToken(authorization, token, OAuth2AccessToken.class)
					|| hasToken(authorization, token, OAuth2RefreshToken.class)
					|| hasToken(authorization, token, OidcIdToken.class)
					|| hasToken(authorization, token, OAuth2UserCode.class)
					|| hasToken(authorization, token, OAuth2DeviceCode.class);
		}
		if (STATE.equals(tokenType)) {
			return token.equals(authorization.getAttribute(OAuth2ParameterNames.STATE));
		}
		Class<? extends OAuth2Token> type = tokenClass(tokenType);
		return type != null && hasToken(authorization, token, type);
	}

	private static @Nullable Class<? extends OAuth2Token> tokenClass(OAuth2TokenType tokenType) {
		if (CODE.equals(tokenType)) {
			return OAuth2AuthorizationCode.class;
		}
		if (OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) {
			return OAuth2AccessToken.class;
		}
		if (OAuth2TokenType.REFRESH_TOKEN.equals(tokenType)) {
			return OAuth2RefreshToken.class;
		}
		if (ID_TOKEN.equals(tokenType)) {
			return OidcIdToken.class;
		}
		if (USER_CODE.equals(tokenType)) {
			return OAuth2UserCode.class;
		}
		if (DEVICE_CODE.equals(tokenType)) {
			return OAuth2DeviceCode.class;
		}
		return null;
	}

	private static boolean hasToken(OAuth2Authorization authorization, String value,
			Class<? extends OAuth2Token> type) {
		OAuth2Authorization.Token<? extends OAuth2Token> token = authorization.getToken(type);
		return token != null && Objects.equals(token.getToken().getTokenValue(), value);
	}

}

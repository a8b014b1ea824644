package dev.porter.devidp.oauth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * One value Spring Authorization Server looks an authorization up by: its {@code state}
 * (while it awaits the user's consent) or one of its tokens, as the type the server names
 * it by, with the token's expiry.
 *
 * @param expiresAt {@code null} for the state and a token issued without an expiry: it
 * never expires
 */
record CarriedToken(String value, OAuth2TokenType type, @Nullable Instant expiresAt) {

	static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

	private static final Map<OAuth2TokenType, Class<? extends OAuth2Token>> TOKENS = tokens();

	/** What {@code authorization} can be found by; empty when nothing. */
	static List<CarriedToken> of(OAuth2Authorization authorization) {
		List<CarriedToken> carried = new ArrayList<>();
		String state = authorization.getAttribute(OAuth2ParameterNames.STATE);
		if (state != null) {
			carried.add(new CarriedToken(state, STATE, null));
		}
		TOKENS.forEach((type, tokenClass) -> {
			OAuth2Authorization.Token<? extends OAuth2Token> token = authorization.getToken(tokenClass);
			if (token != null) {
				OAuth2Token value = token.getToken();
				carried.add(new CarriedToken(value.getTokenValue(), type, value.getExpiresAt()));
			}
		});
		return carried;
	}

	/**
	 * Whether it is expired at {@code now}; as Spring Authorization Server judges it, the
	 * instant of its expiry is not yet past it.
	 */
	boolean isExpiredAt(Instant now) {
		return this.expiresAt != null && now.isAfter(this.expiresAt);
	}

	/**
	 * Whether it is {@code value}, as {@code type} or, when that is {@code null}, any.
	 */
	boolean is(String value, @Nullable OAuth2TokenType type) {
		return this.value.equals(value) && (type == null || this.type.equals(type));
	}

	private static Map<OAuth2TokenType, Class<? extends OAuth2Token>> tokens() {
		Map<OAuth2TokenType, Class<? extends OAuth2Token>> tokens = new LinkedHashMap<>();
		tokens.put(new OAuth2TokenType(OAuth2ParameterNames.CODE), OAuth2AuthorizationCode.class);
		tokens.put(OAuth2TokenType.ACCESS_TOKEN, OAuth2AccessToken.class);
		tokens.put(OAuth2TokenType.REFRESH_TOKEN, OAuth2RefreshToken.class);
		tokens.put(new OAuth2TokenType(OidcParameterNames.ID_TOKEN), OidcIdToken.class);
		tokens.put(new OAuth2TokenType(OAuth2ParameterNames.USER_CODE), OAuth2UserCode.class);
		tokens.put(new OAuth2TokenType(OAuth2ParameterNames.DEVICE_CODE), OAuth2DeviceCode.class);
		return Collections.unmodifiableMap(tokens);
	}

}

package dev.porter.gateway.session;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.server.WebSession;

/**
 * A session's tokens, as the session keeps them: the access token with its lifetime and
 * scopes, and the refresh token. Spring Security's {@link OAuth2AuthorizedClient} is
 * rebuilt from it ({@link #toAuthorizedClient}). {@link #in(Map)} is the one place that
 * reads the tokens of a session, whether the request's own or another one taken from the
 * store by its key ({@link StoredSessions}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoginTokens(String accessToken, @Nullable Instant issuedAt, @Nullable Instant expiresAt,
		Set<String> scopes, @Nullable String refreshToken) {

	/** The session attribute holding them. */
	public static final String ATTRIBUTE = "porter.login.tokens";

	public LoginTokens {
		scopes = Set.copyOf(scopes);
	}

	/** The tokens of {@code session}, or {@code null} when it holds none. */
	public static @Nullable LoginTokens in(WebSession session) {
		return in(session.getAttributes());
	}

	/** The tokens among a session's attributes, or {@code null} when it holds none. */
	static @Nullable LoginTokens in(Map<String, Object> attributes) {
		return (attributes.get(ATTRIBUTE) instanceof LoginTokens tokens) ? tokens : null;
	}

	public static LoginTokens of(OAuth2AuthorizedClient client) {
		OAuth2AccessToken access = client.getAccessToken();
		OAuth2RefreshToken refresh = client.getRefreshToken();
		return new LoginTokens(access.getTokenValue(), access.getIssuedAt(), access.getExpiresAt(), access.getScopes(),
				(refresh != null) ? refresh.getTokenValue() : null);
	}

	public OAuth2AuthorizedClient toAuthorizedClient(ClientRegistration registration, String principalName) {
		OAuth2AccessToken access = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, this.accessToken,
				this.issuedAt, this.expiresAt, this.scopes);
		OAuth2RefreshToken refresh = (this.refreshToken != null) ? new OAuth2RefreshToken(this.refreshToken, null)
				: null;
		return new OAuth2AuthorizedClient(registration, principalName, access, refresh);
	}

	/** Never the tokens: a record's own toString would print them into any log. */
	@Override
	public String toString() {
		return "LoginTokens[expiresAt=" + this.expiresAt + ", refreshable=" + (this.refreshToken != null) + "]";
	}

}

package dev.porter.gateway.session;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.web.server.WebSession;

/**
 * Who signed in, as the session keeps it: the few ID token claims the BFF uses
 * ({@code sub}, {@code sid} for back-channel logout, what {@code /bff/session} shows) and
 * the raw ID token for the logout's {@code id_token_hint}. Spring Security's
 * {@link OidcUser} is rebuilt from it ({@link #toAuthentication}) without parsing the
 * token again.
 *
 * @param idToken the raw ID token (a JWT)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoginUser(String sub, @Nullable String sid, @Nullable String name, @Nullable String email,
		@Nullable String picture, String idToken, @Nullable Instant issuedAt, @Nullable Instant expiresAt) {

	/** The claims of the user's profile it keeps, which {@code /bff/session} shows. */
	public static final List<String> PROFILE_CLAIMS = List.of(StandardClaimNames.NAME, StandardClaimNames.EMAIL,
			StandardClaimNames.PICTURE);

	/** The session attribute holding it. */
	public static final String ATTRIBUTE = "porter.login.user";

	/** The signed-in user of {@code session}, or {@code null} when nobody signed in. */
	public static @Nullable LoginUser in(WebSession session) {
		return in(session.getAttributes());
	}

	/** Who signed in, among a session's attributes; {@code null} when nobody. */
	static @Nullable LoginUser in(Map<String, Object> attributes) {
		return (attributes.get(ATTRIBUTE) instanceof LoginUser user) ? user : null;
	}

	public static LoginUser of(OidcUser user) {
		OidcIdToken token = user.getIdToken();
		return new LoginUser(user.getSubject(), token.getClaimAsString("sid"), claim(user, StandardClaimNames.NAME),
				claim(user, StandardClaimNames.EMAIL), claim(user, StandardClaimNames.PICTURE), token.getTokenValue(),
				token.getIssuedAt(), token.getExpiresAt());
	}

	/**
	 * The same login with the ID token a refresh renewed (OIDC Core 12.2), checked by the
	 * caller: the IdP may refuse the login's own as {@code id_token_hint} once renewed.
	 */
	public LoginUser withIdToken(String renewed, @Nullable Instant renewedAt, @Nullable Instant renewedExpiresAt) {
		return new LoginUser(this.sub, this.sid, this.name, this.email, this.picture, renewed, renewedAt,
				renewedExpiresAt);
	}

	/**
	 * The login as Spring Security's authentication for {@code registrationId}, which
	 * never changes and so may be shared by the session's requests.
	 */
	public LoginAuthentication toAuthentication(String registrationId) {
		OidcIdToken token = new OidcIdToken(this.idToken, this.issuedAt, this.expiresAt, claims());
		OidcUserAuthority authority = new OidcUserAuthority(token);
		DefaultOidcUser user = new DefaultOidcUser(List.of(authority), token, IdTokenClaimNames.SUB);
		return new LoginAuthentication(user, List.of(authority), registrationId);
	}

	/** Never the tokens: a record's own toString would print them into any log. */
	@Override
	public String toString() {
		return "LoginUser[sub=" + this.sub + "]";
	}

	private Map<String, Object> claims() {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put(IdTokenClaimNames.SUB, this.sub);
		put(claims, "sid", this.sid);
		put(claims, StandardClaimNames.NAME, this.name);
		put(claims, StandardClaimNames.EMAIL, this.email);
		put(claims, StandardClaimNames.PICTURE, this.picture);
		return claims;
	}

	private static void put(Map<String, Object> claims, String name, @Nullable String value) {
		if (value != null) {
			claims.put(name, value);
		}
	}

	/** From the ID token or, where the login added them, from {@code /userinfo}. */
	private static @Nullable String claim(OidcUser user, String name) {
		Object value = user.getClaims().get(name);
		return (value instanceof String text) ? text : null;
	}

}

package dev.porter.devidp.issued;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Stores authorizations in the wrapped service and remembers every token value it sees,
 * so that a test can ask which tokens exist (and which {@code sid} a login got) without
 * reading any application's memory. Revoked and rotated tokens stay on the list on
 * purpose: a leaked old token is still a leak. Only the newest {@link #KEPT} sets are
 * kept: a dev-idp that runs for days (docker compose, a load test) would otherwise grow
 * with every login, and a test looks for the tokens of its own logins.
 */
public final class RecordingAuthorizationService implements OAuth2AuthorizationService {

	private final OAuth2AuthorizationService delegate;

	private final Consumer<OAuth2Authorization> alsoOnSave;

	/** How many token sets are kept, the newest. */
	static final int KEPT = 5_000;

	/** Oldest first; guarded by itself. */
	private final Set<IssuedToken> issued = new LinkedHashSet<>();

	/**
	 * @param delegate where authorizations are stored
	 * @param alsoOnSave told of each saved authorization too (the IdP sessions' sign-ins,
	 * which back-channel logout needs)
	 */
	public RecordingAuthorizationService(OAuth2AuthorizationService delegate,
			Consumer<OAuth2Authorization> alsoOnSave) {
		this.delegate = delegate;
		this.alsoOnSave = alsoOnSave;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		this.delegate.save(authorization);
		this.alsoOnSave.accept(authorization);
		IssuedToken tokens = tokensOf(authorization);
		if (tokens.accessToken() != null || tokens.refreshToken() != null) {
			synchronized (this.issued) {
				if (this.issued.add(tokens) && this.issued.size() > KEPT) {
					Iterator<IssuedToken> oldest = this.issued.iterator();
					oldest.next();
					oldest.remove();
				}
			}
		}
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

	/** Every set of tokens issued so far, oldest first. */
	public List<IssuedToken> issued() {
		synchronized (this.issued) {
			return List.copyOf(this.issued);
		}
	}

	public void clear() {
		synchronized (this.issued) {
			this.issued.clear();
		}
	}

	private static IssuedToken tokensOf(OAuth2Authorization authorization) {
		OAuth2Authorization.Token<OidcIdToken> idToken = authorization.getToken(OidcIdToken.class);
		String sid = (idToken != null) ? idToken.getToken().getClaimAsString("sid") : null;
		return new IssuedToken(authorization.getRegisteredClientId(), authorization.getPrincipalName(), sid,
				value(authorization.getToken(OAuth2AccessToken.class)),
				value(authorization.getToken(OAuth2RefreshToken.class)), value(idToken));
	}

	private static <T extends OAuth2Token> @Nullable String value(OAuth2Authorization.@Nullable Token<T> token) {
		return (token != null) ? token.getToken().getTokenValue() : null;
	}

}

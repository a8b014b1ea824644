package dev.porter.devidp.oauth;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
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
 * <p>
 * A token that a refresh replaced still finds its (refreshed) authorization here, because
 * Auth0 keeps answering it until its {@code exp}; after that it is forgotten, so that
 * each refresh does not leave an entry behind for as long as dev-idp runs.
 */
final class NewestAccessTokenAuthorizations implements OAuth2AuthorizationService {

	/**
	 * Expired entries each save forgets at most: more than the one it adds, so a backlog
	 * drains, yet no save walks the whole map.
	 */
	private static final int FORGOTTEN_PER_SAVE = 2;

	private final OAuth2AuthorizationService delegate;

	private final Clock clock;

	/** Access token value to the authorization that was issued it last. */
	private final Map<String, Issuance> newest = new ConcurrentHashMap<>();

	/** Every entry put in {@link #newest}, soonest expiring first; guarded by itself. */
	private final Queue<Issuance> byExpiry = new PriorityQueue<>(Comparator.comparing(Issuance::expiresAt));

	NewestAccessTokenAuthorizations(OAuth2AuthorizationService delegate, Clock clock) {
		this.delegate = delegate;
		this.clock = clock;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		OAuth2AccessToken issued = accessToken(authorization);
		OAuth2Authorization before = this.delegate.findById(authorization.getId());
		this.delegate.save(authorization);
		// Revoking or re-saving an authorization is not a newer issuance of its token.
		// A token without an expiry (dev-idp issues none) could never be forgotten.
		if (issued != null && issued.getExpiresAt() != null
				&& (before == null || !issued.getTokenValue().equals(tokenValue(before)))) {
			remember(new Issuance(issued.getTokenValue(), authorization.getId(), issued.getExpiresAt()));
		}
	}

	private void remember(Issuance issuance) {
		Instant now = this.clock.instant();
		synchronized (this.byExpiry) {
			this.newest.put(issuance.token(), issuance);
			this.byExpiry.add(issuance);
			for (int i = 0; i < FORGOTTEN_PER_SAVE && isExpired(this.byExpiry.peek(), now); i++) {
				Issuance expired = this.byExpiry.remove();
				// Only this issuance: the same token may have been issued again since.
				this.newest.remove(expired.token(), expired);
			}
		}
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		this.delegate.remove(authorization);
		String issued = tokenValue(authorization);
		if (issued != null) {
			this.newest.computeIfPresent(issued,
					(token, issuance) -> issuance.authorizationId().equals(authorization.getId()) ? null : issuance);
		}
	}

	@Override
	public @Nullable OAuth2Authorization findById(String id) {
		return this.delegate.findById(id);
	}

	@Override
	public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
		if (tokenType == null || OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) {
			Issuance issuance = this.newest.get(token);
			OAuth2Authorization authorization = (issuance != null && !isExpired(issuance, this.clock.instant()))
					? this.delegate.findById(issuance.authorizationId()) : null;
			if (authorization != null) {
				return authorization;
			}
		}
		return this.delegate.findByToken(token, tokenType);
	}

	/** How many access tokens are remembered; for tests. */
	int size() {
		return this.newest.size();
	}

	/** Expired as dev-idp's {@code /userinfo} decoder sees it: no clock skew. */
	private static boolean isExpired(@Nullable Issuance issuance, Instant now) {
		return issuance != null && now.isAfter(issuance.expiresAt());
	}

	private static @Nullable OAuth2AccessToken accessToken(OAuth2Authorization authorization) {
		OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
		return (token != null) ? token.getToken() : null;
	}

	private static @Nullable String tokenValue(OAuth2Authorization authorization) {
		OAuth2AccessToken token = accessToken(authorization);
		return (token != null) ? token.getTokenValue() : null;
	}

	private record Issuance(String token, String authorizationId, Instant expiresAt) {
	}

}

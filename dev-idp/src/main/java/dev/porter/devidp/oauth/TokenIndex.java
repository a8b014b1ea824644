package dev.porter.devidp.oauth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Which authorizations each token value (and {@code state}) finds, so that a lookup by
 * value reads only those. The caller keeps it in step with its store, one authorization
 * at a time.
 * <p>
 * Usually one authorization per value, but Auth0's access tokens carry no {@code jti}, so
 * two logins of one user to one client within the same second get byte-identical tokens
 * (RS256 signatures are deterministic). Auth0 checks them without state, so both work;
 * here the latest login to be issued the token answers for it, and not the older one,
 * revoked at its logout, which would answer the newer login's {@code /userinfo} with 401.
 * <p>
 * An access token that a refresh replaced still finds its (refreshed) authorization, when
 * looked up as an access token, until its own {@code exp}, because Auth0 keeps answering
 * it at {@code /userinfo} until then; after that it finds nothing and is dropped at the
 * next {@link #forgetReplacedExpiredAt sweep}.
 */
final class TokenIndex {

	/** Value to what it finds, the latest to be issued it first. */
	private final Map<String, List<Holder>> byValue = new ConcurrentHashMap<>();

	/**
	 * Moves an authorization from one version to the next: the values only {@code next}
	 * carries find it first, those only {@code previous} carried no longer find it,
	 * unless one was its access token and is still valid at {@code now}. The caller must
	 * not change one authorization twice at once, or the two changes could interleave.
	 * @param previous {@code null} when first saved
	 */
	void move(String id, @Nullable OAuth2Authorization previous, OAuth2Authorization next, Instant now) {
		Map<String, CarriedToken> before = tokensOf(previous);
		Map<String, CarriedToken> after = tokensOf(next);
		after.keySet()
			.stream()
			.filter((value) -> !before.containsKey(value))
			.forEach((value) -> this.byValue.compute(value, (key, holders) -> issued(holders, id)));
		before.forEach((value, token) -> {
			if (after.containsKey(value)) {
				return;
			}
			Holder replaced = (OAuth2TokenType.ACCESS_TOKEN.equals(token.type()) && token.expiresAt() != null
					&& !token.isExpiredAt(now)) ? new Holder(id, token.expiresAt()) : null;
			this.byValue.computeIfPresent(value, (key, holders) -> replaced(holders, id, replaced));
		});
	}

	/**
	 * Nothing {@code forgotten} carries finds it any more; as {@link #move}, one change
	 * to an authorization at a time.
	 */
	void forget(String id, OAuth2Authorization forgotten) {
		tokensOf(forgotten).keySet()
			.forEach((value) -> this.byValue.computeIfPresent(value, (key, holders) -> replaced(holders, id, null)));
	}

	/** What {@code value} finds, the latest to be issued it first; empty when nothing. */
	List<Holder> holders(String value) {
		return this.byValue.getOrDefault(value, List.of());
	}

	/** Drops the replaced access tokens that have expired at {@code now}. */
	void forgetReplacedExpiredAt(Instant now) {
		this.byValue.forEach((value, holders) -> {
			if (holders.stream().anyMatch((holder) -> holder.isExpiredAt(now))) {
				this.byValue.computeIfPresent(value, (key, current) -> {
					List<Holder> kept = current.stream().filter((holder) -> !holder.isExpiredAt(now)).toList();
					return kept.isEmpty() ? null : kept;
				});
			}
		});
	}

	/** How many values find an authorization; for tests. */
	int size() {
		return this.byValue.size();
	}

	/** The tokens {@code authorization} carries, by their values; none for none. */
	private static Map<String, CarriedToken> tokensOf(@Nullable OAuth2Authorization authorization) {
		Map<String, CarriedToken> tokens = new LinkedHashMap<>();
		if (authorization != null) {
			CarriedToken.of(authorization).forEach((token) -> tokens.putIfAbsent(token.value(), token));
		}
		return tokens;
	}

	private static List<Holder> issued(@Nullable List<Holder> holders, String id) {
		List<Holder> issued = new ArrayList<>();
		issued.add(new Holder(id, null));
		if (holders != null) {
			holders.stream().filter((holder) -> !holder.authorizationId().equals(id)).forEach(issued::add);
		}
		return List.copyOf(issued);
	}

	/**
	 * {@code id}'s holder in its place as {@code replacement}, or gone when that is null.
	 */
	private static @Nullable List<Holder> replaced(List<Holder> holders, String id, @Nullable Holder replacement) {
		List<Holder> replaced = new ArrayList<>();
		for (Holder holder : holders) {
			if (!holder.authorizationId().equals(id)) {
				replaced.add(holder);
			}
			else if (replacement != null) {
				replaced.add(replacement);
			}
		}
		return replaced.isEmpty() ? null : List.copyOf(replaced);
	}

	/**
	 * An authorization a value finds: one that carries it, or one whose access token it
	 * was until a refresh replaced it.
	 *
	 * @param replacedUntil the replaced access token's expiry; {@code null} while carried
	 */
	record Holder(String authorizationId, @Nullable Instant replacedUntil) {

		/**
		 * Whether {@code authorization}, this holder's version as the store holds it,
		 * answers for {@code value} as {@code type} (any when {@code null}).
		 */
		boolean answers(OAuth2Authorization authorization, String value, @Nullable OAuth2TokenType type, Instant now) {
			if (this.replacedUntil == null) {
				return CarriedToken.of(authorization).stream().anyMatch((carried) -> carried.is(value, type));
			}
			// Only as an access token (/userinfo): revocation looks up any type, and
			// fails on an authorization that does not carry the token.
			return OAuth2TokenType.ACCESS_TOKEN.equals(type) && !isExpiredAt(now);
		}

		/**
		 * Whether it is a replaced access token that has expired, as a carried one would.
		 */
		boolean isExpiredAt(Instant now) {
			return this.replacedUntil != null && now.isAfter(this.replacedUntil);
		}

	}

}

package dev.porter.devidp.oauth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * Which authorizations carry each token value (and {@code state}), so that a lookup by
 * value reads only those: usually one, more only when two logins got byte-identical
 * tokens (Auth0's access tokens carry no {@code jti}). The caller keeps it in step with
 * its store, one authorization id at a time.
 */
final class TokenIndex {

	/**
	 * Value to the ids of the authorizations carrying it, the latest to take it first.
	 */
	private final Map<String, List<String>> byValue = new ConcurrentHashMap<>();

	/**
	 * Moves an authorization from one version to the next: the values only {@code next}
	 * carries find it, those only {@code previous} carried no longer do. Either may be
	 * {@code null} (first saved, forgotten). The caller must not move one authorization
	 * twice at once, or the two could interleave.
	 */
	void move(String id, @Nullable OAuth2Authorization previous, @Nullable OAuth2Authorization next) {
		Set<String> before = values(previous);
		Set<String> after = values(next);
		for (String value : after) {
			if (!before.contains(value)) {
				this.byValue.compute(value, (key, ids) -> withFirst(ids, id));
			}
		}
		for (String value : before) {
			if (!after.contains(value)) {
				this.byValue.computeIfPresent(value, (key, ids) -> without(ids, id));
			}
		}
	}

	/** The ids of the authorizations that took {@code value}, the latest first. */
	List<String> idsCarrying(String value) {
		return this.byValue.getOrDefault(value, List.of());
	}

	/** How many values are indexed; for tests. */
	int size() {
		return this.byValue.size();
	}

	private static Set<String> values(@Nullable OAuth2Authorization authorization) {
		Set<String> values = new HashSet<>();
		if (authorization != null) {
			CarriedToken.of(authorization).forEach((token) -> values.add(token.value()));
		}
		return values;
	}

	private static List<String> withFirst(@Nullable List<String> ids, String id) {
		List<String> with = new ArrayList<>();
		with.add(id);
		if (ids != null) {
			ids.stream().filter((other) -> !other.equals(id)).forEach(with::add);
		}
		return List.copyOf(with);
	}

	private static @Nullable List<String> without(List<String> ids, String id) {
		List<String> without = new ArrayList<>(ids);
		without.remove(id);
		return without.isEmpty() ? null : List.copyOf(without);
	}

}

package dev.porter.profile.me;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The {@code /userinfo} cache key: the subject and its granted scopes (the claims
 * returned depend on them), never the token itself.
 *
 * @param sub the caller
 * @param scopes granted scopes, sorted and space-separated
 */
record UserinfoKey(String sub, String scopes) {

	static UserinfoKey of(String sub, String scopeClaim) {
		String sorted = Arrays.stream(scopeClaim.trim().split("\\s+"))
			.filter((s) -> !s.isEmpty())
			.sorted()
			.distinct()
			.collect(Collectors.joining(" "));
		return new UserinfoKey(sub, sorted);
	}

}

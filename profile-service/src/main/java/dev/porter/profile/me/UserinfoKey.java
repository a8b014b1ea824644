package dev.porter.profile.me;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The {@code /userinfo} cache key: the subject and its granted scopes (the claims
 * returned depend on them), never the token itself.
 *
 * @param sub the caller
 * @param scopes granted scopes, sorted and space-separated
 */
record UserinfoKey(String sub, String scopes) {

	/**
	 * The scopes {@code token} grants, wherever its issuer puts them: {@code scope}, a
	 * space-separated string (RFC 9068; Auth0, Keycloak), or {@code scp}, an array (Okta,
	 * Entra ID). Read from one claim alone, every Okta token of a user shared one entry,
	 * and a token granted {@code openid} alone got the claims of a broader one.
	 */
	static UserinfoKey of(String sub, Jwt token) {
		return of(sub,
				Stream.of("scope", "scp")
					.map(token::getClaim)
					.flatMap(UserinfoKey::scopes)
					.collect(Collectors.joining(" ")));
	}

	static UserinfoKey of(String sub, String scopes) {
		String sorted = Arrays.stream(scopes.trim().split("\\s+"))
			.filter((s) -> !s.isEmpty())
			.sorted()
			.distinct()
			.collect(Collectors.joining(" "));
		return new UserinfoKey(sub, sorted);
	}

	private static Stream<String> scopes(Object claim) {
		if (claim instanceof Collection<?> values) {
			return values.stream().map(String::valueOf);
		}
		return (claim != null) ? Stream.of(String.valueOf(claim)) : Stream.empty();
	}

}

package dev.porter.gateway.session;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import dev.porter.gateway.oidc.LoopbackIssuers;

/**
 * Session keys that are public because this repository prints them: docker-compose.yml's
 * development default, which lets {@code docker compose up} run against dev-idp with no
 * set-up. Whoever holds a key and a Redis dump holds every refresh token, so such a key
 * may seal sessions only while the IdP is on this machine's loopback (dev-idp, a local
 * Keycloak). A user who switches compose to a real tenant and forgets
 * {@code SESSION_ENCRYPTION_KEYS} is stopped at start-up instead of running on a key
 * anyone can read.
 */
final class PublishedSessionKeys {

	/** docker-compose.yml's default; a test keeps the two the same. */
	static final String COMPOSE_DEVELOPMENT_KEY = "cG9ydGVyLWRldi1vbmx5LXNlc3Npb24ta2V5LTAwMDE=";

	private static final List<byte[]> PUBLISHED = List.of(Base64.getDecoder().decode(COMPOSE_DEVELOPMENT_KEY));

	private PublishedSessionKeys() {
	}

	/**
	 * Fails naming the variable when {@code keys} holds a published key and the issuer is
	 * not on loopback.
	 */
	static void check(String keys, String variable, String issuer) {
		boolean published = Arrays.stream(keys.split(",")).map(String::strip).anyMatch(PublishedSessionKeys::published);
		if (published && !LoopbackIssuers.onLoopback(issuer)) {
			throw new IllegalStateException(variable + " holds docker-compose.yml's development key, which is public; "
					+ "with an IdP beyond this machine (" + issuer + ") set your own (openssl rand -base64 32)");
		}
	}

	/**
	 * Compared as the key ring reads it (base64, padding optional), so the same key
	 * written another way is still the same key.
	 */
	private static boolean published(String key) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(key);
		}
		catch (IllegalArgumentException ex) {
			// not a key at all: the key ring refuses it, naming the variable
			return false;
		}
		return PUBLISHED.stream().anyMatch((known) -> MessageDigest.isEqual(known, bytes));
	}

}

package dev.porter.gateway.login;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A client address as the login budget keys it: an HMAC of the address under a key
 * derived from the client secret, not the address. With Redis the budget's keys sit in
 * the shared store, where whoever reads it (a dump, {@code MONITOR}) would otherwise
 * learn who signed in from where. Not a plain hash: every IPv4 address can be hashed in
 * minutes. The same on every instance, so the budget stays shared; a new client secret
 * only starts the current window's budgets afresh.
 */
final class AddressPseudonyms {

	private static final String LABEL = "porter login budget address v1";

	/** 128 bits: collisions between addresses stay out of reach. */
	private static final int LENGTH = 16;

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private final byte[] key;

	AddressPseudonyms(String clientSecret) {
		this.key = ClientSecretKeys.derive(clientSecret, LABEL);
	}

	String of(String address) {
		byte[] mac = ClientSecretKeys.hmac(this.key, address.getBytes(StandardCharsets.UTF_8));
		return ENCODER.encodeToString(Arrays.copyOf(mac, LENGTH));
	}

}

package dev.porter.gateway.login;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys derived from the OIDC client secret, one per purpose (HMAC-SHA256 of a fixed
 * label): every gateway instance of a deployment shares the secret already, so they need
 * no extra one to distribute, and a leaked derived key reveals neither the secret nor
 * another purpose's key.
 */
final class ClientSecretKeys {

	static final String HMAC = "HmacSHA256";

	private ClientSecretKeys() {
	}

	static byte[] derive(String clientSecret, String label) {
		return hmac(clientSecret.getBytes(StandardCharsets.UTF_8), label.getBytes(StandardCharsets.US_ASCII));
	}

	static byte[] hmac(byte[] key, byte[] data) {
		try {
			Mac mac = Mac.getInstance(HMAC);
			mac.init(new SecretKeySpec(key, HMAC));
			return mac.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is unavailable", ex);
		}
	}

}

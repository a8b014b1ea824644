package dev.porter.e2e.agents;

import java.text.ParseException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Tokens an attacker could make: a genuine token's header and claims signed again with a
 * key the IdP never published (same {@code kid}, so only the signature can tell).
 */
public final class ForgedTokens {

	private ForgedTokens() {
	}

	public static String resignedWithForeignKey(String genuine) {
		try {
			SignedJWT original = SignedJWT.parse(genuine);
			JWSHeader header = original.getHeader();
			RSAKey foreign = new RSAKeyGenerator(2048).keyID(header.getKeyID()).generate();
			SignedJWT forged = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(header.getKeyID()).type(header.getType()).build(),
					original.getJWTClaimsSet());
			forged.sign(new RSASSASigner(foreign));
			return forged.serialize();
		}
		catch (ParseException | JOSEException ex) {
			throw new IllegalStateException("cannot forge a token", ex);
		}
	}

	public static JWTClaimsSet claims(String token) {
		try {
			return SignedJWT.parse(token).getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("not a JWT", ex);
		}
	}

}

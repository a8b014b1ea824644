package dev.porter.profile.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Access tokens shaped like Auth0's for a custom API ({@code aud} = [API, userinfo]),
 * signed with a test RSA key that the stub serves as JWKS.
 */
public final class TestJwts {

	public static final String AUDIENCE = "https://porter.example/api";

	public static final String KID = "test-key";

	/** The key id of the key the IdP rotates in ({@link #jwksAfterRotation()}). */
	public static final String ROTATED_KID = "rotated-key";

	static final RSAKey KEY = generate(KID);

	private static final RSAKey OTHER_KEY = generate(KID);

	private static final RSAKey ROTATED_KEY = generate(ROTATED_KID);

	private TestJwts() {
	}

	/**
	 * An elliptic-curve key, as a realm signing with ES256 has (Keycloak, FAPI profiles).
	 */
	static final ECKey EC_KEY = generateEc();

	public static String jwks() {
		return new JWKSet(List.of(KEY.toPublicJWK(), EC_KEY.toPublicJWK())).toString();
	}

	/** The IdP's keys once it published a new signing key beside the others. */
	public static String jwksAfterRotation() {
		return new JWKSet(List.of(KEY.toPublicJWK(), EC_KEY.toPublicJWK(), ROTATED_KEY.toPublicJWK())).toString();
	}

	/** Signed with the key the IdP rotates in, under its own key id. */
	public static String mintWithRotatedKey(String issuer, String sub) {
		return sign(claims(issuer, sub).build(), ROTATED_KEY);
	}

	/** Signed with ES256 by the served elliptic-curve key. */
	public static String mintEs256(String issuer, String sub) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(EC_KEY.getKeyID()).type(JOSEObjectType.JWT).build(),
					claims(issuer, sub).build());
			jwt.sign(new ECDSASigner(EC_KEY));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Signed with HS256 under the RSA key's id, the secret being the served public key's
	 * modulus: the algorithm confusion a verifier must refuse.
	 */
	public static String mintHs256(String issuer, String sub) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KID).type(JOSEObjectType.JWT).build(),
					claims(issuer, sub).build());
			jwt.sign(new MACSigner(KEY.getModulus().decode()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static JWTClaimsSet.Builder claims(String issuer, String sub) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(issuer)
			.subject(sub)
			.audience(List.of(AUDIENCE, issuer + "userinfo"))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofHours(1))))
			.claim("azp", "porter-gateway")
			.claim("scope", "openid profile email");
	}

	public static String mint(String issuer, String sub) {
		return sign(claims(issuer, sub).build(), KEY);
	}

	public static String mint(String issuer, String sub, Consumer<JWTClaimsSet.Builder> customizer) {
		JWTClaimsSet.Builder builder = claims(issuer, sub);
		customizer.accept(builder);
		return sign(builder.build(), KEY);
	}

	/** Same kid, another key: the signature cannot verify. */
	public static String mintWithForeignKey(String issuer, String sub) {
		return mintWithForeignKey(issuer, sub, (claims) -> {
		});
	}

	/** Same kid, another key, and the claims {@code customizer} makes. */
	public static String mintWithForeignKey(String issuer, String sub, Consumer<JWTClaimsSet.Builder> customizer) {
		JWTClaimsSet.Builder builder = claims(issuer, sub);
		customizer.accept(builder);
		return sign(builder.build(), OTHER_KEY);
	}

	/** An unsecured JWT ({@code alg: none}) with otherwise valid claims. */
	public static String mintUnsigned(String issuer, String sub) {
		return mintUnsigned(issuer, sub, (claims) -> {
		});
	}

	/** An unsecured JWT ({@code alg: none}) with the claims {@code customizer} makes. */
	public static String mintUnsigned(String issuer, String sub, Consumer<JWTClaimsSet.Builder> customizer) {
		JWTClaimsSet.Builder builder = claims(issuer, sub);
		customizer.accept(builder);
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String header = encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
		String payload = encoder.encodeToString(builder.build().toString().getBytes());
		return header + "." + payload + ".";
	}

	private static String sign(JWTClaimsSet claims, RSAKey key) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
					claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ECKey generateEc() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID("test-ec-key").generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey generate(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

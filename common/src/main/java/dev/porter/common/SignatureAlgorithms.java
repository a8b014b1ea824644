package dev.porter.common;

import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The JWS algorithms a token from the IdP may be signed with: every asymmetric one, each
 * verified with the IdP's published key of its type (an IdP may sign with RS256, PS256 or
 * ES256: a Keycloak realm or an Auth0 tenant can choose). Never HS256 and kin, which
 * would take a shared secret (and, fed the public key, let anyone sign), nor
 * {@code none}.
 */
public final class SignatureAlgorithms {

	public static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
			JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
			JWSAlgorithm.ES384, JWSAlgorithm.ES512);

	private SignatureAlgorithms() {
	}

}

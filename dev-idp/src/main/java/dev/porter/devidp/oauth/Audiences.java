package dev.porter.devidp.oauth;

import java.util.Optional;

import dev.porter.devidp.seed.Seed;

/**
 * The seed's APIs and client grants as the token endpoint needs them: an audience is the
 * identifier of an API, and a machine-to-machine client may ask for one only through a
 * client grant, as at Auth0.
 */
final class Audiences {

	/** The parameter Auth0 adds to {@code /authorize} and {@code /oauth/token}. */
	static final String PARAMETER = "audience";

	private final Seed seed;

	Audiences(Seed seed) {
		this.seed = seed;
	}

	Optional<Seed.Api> api(String audience) {
		return this.seed.apis().stream().filter((api) -> api.identifier().equals(audience)).findFirst();
	}

	Optional<Seed.ClientGrant> grant(String clientId, String audience) {
		return this.seed.clientGrants()
			.stream()
			.filter((grant) -> grant.clientId().equals(clientId) && grant.audience().equals(audience))
			.findFirst();
	}

}

package dev.porter.e2e.stack;

import java.time.Duration;

/**
 * What a test needs of its stack.
 *
 * @param accessTokenTtl dev-idp's access-token lifetime (short to exercise refresh)
 * @param gateways how many gateway instances
 * @param redis whether Redis runs and the services share state through it
 */
public record StackOptions(Duration accessTokenTtl, int gateways, boolean redis) {

	public static StackOptions standard() {
		return new StackOptions(Duration.ofHours(1), 1, false);
	}

	public StackOptions withAccessTokenTtl(Duration ttl) {
		return new StackOptions(ttl, this.gateways, this.redis);
	}

	/**
	 * dev-idp and profile-service only: for tests that call profile-service with a bearer
	 * token.
	 */
	public StackOptions withoutGateway() {
		return new StackOptions(this.accessTokenTtl, 0, this.redis);
	}

	public StackOptions withSharedRedis(int gatewayCount) {
		return new StackOptions(this.accessTokenTtl, gatewayCount, true);
	}

}

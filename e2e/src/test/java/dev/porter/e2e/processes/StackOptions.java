package dev.porter.e2e.processes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a test needs of its stack.
 *
 * @param accessTokenTtl dev-idp's access-token lifetime (short to exercise refresh)
 * @param gateways how many gateway instances
 * @param redis whether Redis runs and the services share state through it
 * @param gatewayEnv extra environment for every gateway (e.g.
 * {@code TOKEN_REFRESH_AHEAD})
 * @param profileEnv extra environment for profile-service
 * @param profileServices how many profile-service instances (gateway {@code i} relays to
 * instance {@code i} modulo this count)
 */
public record StackOptions(Duration accessTokenTtl, int gateways, boolean redis, Map<String, String> gatewayEnv,
		Map<String, String> profileEnv, int profileServices) {

	public StackOptions {
		gatewayEnv = Map.copyOf(gatewayEnv);
		profileEnv = Map.copyOf(profileEnv);
	}

	public static StackOptions standard() {
		return new StackOptions(Duration.ofHours(1), 1, false, Map.of(), Map.of(), 1);
	}

	public StackOptions withAccessTokenTtl(Duration ttl) {
		return new StackOptions(ttl, this.gateways, this.redis, this.gatewayEnv, this.profileEnv, this.profileServices);
	}

	public StackOptions withSharedRedis(int gatewayCount) {
		return new StackOptions(this.accessTokenTtl, gatewayCount, true, this.gatewayEnv, this.profileEnv,
				this.profileServices);
	}

	/** Sets an environment variable of every gateway, on top of what the stack sets. */
	public StackOptions withGatewayEnv(String name, String value) {
		Map<String, String> env = new LinkedHashMap<>(this.gatewayEnv);
		env.put(name, value);
		return new StackOptions(this.accessTokenTtl, this.gateways, this.redis, env, this.profileEnv,
				this.profileServices);
	}

	/** Sets an environment variable of profile-service, on top of what the stack sets. */
	public StackOptions withProfileEnv(String name, String value) {
		Map<String, String> env = new LinkedHashMap<>(this.profileEnv);
		env.put(name, value);
		return new StackOptions(this.accessTokenTtl, this.gateways, this.redis, this.gatewayEnv, env,
				this.profileServices);
	}

	/**
	 * Runs {@code count} profile-service instances (sharing Redis when the stack has it).
	 */
	public StackOptions withProfileServices(int count) {
		return new StackOptions(this.accessTokenTtl, this.gateways, this.redis, this.gatewayEnv, this.profileEnv,
				count);
	}

	/** Redis runs and every service that can share state through it does. */
	public StackOptions withRedis() {
		return new StackOptions(this.accessTokenTtl, this.gateways, true, this.gatewayEnv, this.profileEnv,
				this.profileServices);
	}

}

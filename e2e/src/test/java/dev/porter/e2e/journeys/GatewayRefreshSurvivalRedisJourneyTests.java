package dev.porter.e2e.journeys;

import dev.porter.e2e.processes.StackOptions;

/**
 * {@link RefreshUnderIdpFaultsJourney} with two gateways sharing sessions, refresh locks
 * and backoffs in Redis; a user's requests alternate between them.
 */
class GatewayRefreshSurvivalRedisJourneyTests extends RefreshUnderIdpFaultsJourney {

	@Override
	StackOptions stack(StackOptions standard) {
		return standard.withSharedRedis(2);
	}

	@Override
	int gatewayCount() {
		return 2;
	}

}

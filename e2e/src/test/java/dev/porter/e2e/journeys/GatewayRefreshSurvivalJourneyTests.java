package dev.porter.e2e.journeys;

import dev.porter.e2e.processes.StackOptions;

/**
 * {@link RefreshUnderIdpFaultsJourney} with one gateway keeping its sessions in memory.
 */
class GatewayRefreshSurvivalJourneyTests extends RefreshUnderIdpFaultsJourney {

	@Override
	StackOptions stack(StackOptions standard) {
		return standard;
	}

	@Override
	int gatewayCount() {
		return 1;
	}

}

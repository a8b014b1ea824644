package dev.porter.e2e.processes;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;

/**
 * A fresh stack's first relayed {@code GET /me} runs the cold path: profile-service
 * fetches the IdP's keys, asks {@code /userinfo}, gets its M2M token and calls the
 * Management API, on JVMs that have compiled none of it, and on a busy 2-core machine
 * that can outlast its request deadline (4 s) or the gateway's relay timeout. A stack
 * runs it once, through each gateway, before any journey gets it: as a user of its own
 * that no journey signs in as, whose session is then forgotten. A journey's counts
 * (refresh grants, calls to the IdP) start after it, and its first request is no longer
 * the cold one.
 */
final class StackWarmUp {

	/**
	 * In the stack's dev-idp seed ({@link DevIdpSeed}) only: no journey signs in as it.
	 */
	static final String USERNAME = "stack-warm-up";

	static final String PASSWORD = "stack-warm-up";

	/** How long the cold path may keep answering 503 before the stack gives up. */
	private static final Duration BOUND = Duration.ofSeconds(60);

	private StackWarmUp() {
	}

	/** Signs in through {@code gateway} and asks {@code GET /me} until it answers 200. */
	static void through(Service gateway) {
		UserAgent agent = new UserAgent();
		Exchange loginPage = agent.follow(agent.get(gateway.uri("/bff/login?returnTo=/")));
		Exchange landed = agent.follow(agent.submitForm(loginPage, Map.of("username", USERNAME, "password", PASSWORD)));
		if (!landed.uri().toString().equals(gateway.uri("/").toString())) {
			throw new IllegalStateException("warm-up: the login through " + gateway.name() + " landed on "
					+ landed.status() + " " + landed.uri());
		}
		Instant deadline = Instant.now().plus(BOUND);
		Exchange me = agent.get(gateway.uri("/me"), "Accept", "application/json");
		// 503 while the cold path outlasts a deadline; anything else is an answer
		while (me.status() == 503 && Instant.now().isBefore(deadline)) {
			me = agent.get(gateway.uri("/me"), "Accept", "application/json");
		}
		if (me.status() != 200) {
			throw new IllegalStateException("warm-up: GET /me through " + gateway.name() + " answered " + me.status()
					+ " (within " + BOUND + "): " + me.body());
		}
	}

}

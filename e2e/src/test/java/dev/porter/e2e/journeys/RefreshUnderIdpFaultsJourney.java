package dev.porter.e2e.journeys;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.porter.e2e.agents.DevIdpControls;
import dev.porter.e2e.agents.DevIdpFaults;
import dev.porter.e2e.agents.ForgedTokens;
import dev.porter.e2e.agents.SpaClient;
import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.processes.Stack;
import dev.porter.e2e.processes.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11: a session survives an IdP that is slow or failing while its access token is
 * refreshed. dev-idp issues access tokens that live 10 s; its token endpoint is slowed to
 * 4 s (longer than the gateway waits for it on a request's behalf) or fails with 503. The
 * user's script honours {@code Retry-After} as the SPA does. Subclasses choose the stack:
 * one gateway in memory, or two gateways sharing sessions in Redis (requests alternate
 * between them).
 *
 * <p>
 * The gateway's waits are set short ({@code TOKEN_REFRESH_WAIT},
 * {@code TOKEN_REFRESH_BACKOFF}) and the IdP's faults scaled to them, so that each
 * journey proves the same relations as with the defaults in seconds rather than in a
 * minute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RefreshUnderIdpFaultsJourney {

	/**
	 * Long enough that a token fresh from the slow refresh is not yet due for the next
	 * one when the user's retry arrives, even late: due 5 s before it expires
	 * ({@link #REFRESH_AHEAD}, and half its lifetime), it has 5 s. With 2 s of room, a
	 * retry held up on a machine busy with another journey class found it due and
	 * refreshed a second time.
	 */
	static final Duration ACCESS_TOKEN_TTL = Duration.ofSeconds(10);

	/**
	 * TOKEN_REFRESH_AHEAD: the least the gateway takes (a shorter one is raised to it),
	 * so that a fresh token is relayed as it is for as long as possible.
	 */
	static final Duration REFRESH_AHEAD = Duration.ofSeconds(5);

	/**
	 * How long a request waits for its session's refresh (TOKEN_REFRESH_WAIT): short, yet
	 * far longer than a refresh at an unhampered dev-idp takes.
	 */
	static final Duration REFRESH_WAIT = Duration.ofMillis(1500);

	/** The first backoff after a failed refresh (TOKEN_REFRESH_BACKOFF). */
	static final Duration BACKOFF = Duration.ofSeconds(2);

	/**
	 * Longer than a request waits, so the first request after expiry gets a 503; the
	 * user's retry (after the 503's Retry-After of one backoff) arrives just before the
	 * slow refresh ends and joins it, or just after and finds its fresh token.
	 */
	static final Duration TOKEN_LATENCY = REFRESH_WAIT.plus(BACKOFF).plusMillis(500);

	/**
	 * How long the gateway's IdP client waits for an answer (OIDC_RESPONSE_TIMEOUT): well
	 * past TOKEN_LATENCY, so the slow refresh ends in a token, not in a timeout.
	 */
	static final Duration IDP_RESPONSE_TIMEOUT = Duration.ofSeconds(10);

	/** Long enough for the slow refresh, a request's wait and a few retries. */
	private static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);

	private Stack stack;

	private DevIdpControls devIdp;

	private DevIdpFaults faults;

	abstract StackOptions stack(StackOptions standard);

	@BeforeAll
	void startStack() {
		this.stack = Stack.start(stack(StackOptions.standard()
			.withAccessTokenTtl(ACCESS_TOKEN_TTL)
			.withGatewayEnv("TOKEN_REFRESH_AHEAD", REFRESH_AHEAD.toSeconds() + "s")
			.withGatewayEnv("TOKEN_REFRESH_WAIT", REFRESH_WAIT.toMillis() + "ms")
			.withGatewayEnv("TOKEN_REFRESH_BACKOFF", BACKOFF.toSeconds() + "s")
			.withGatewayEnv("OIDC_RESPONSE_TIMEOUT", IDP_RESPONSE_TIMEOUT.toSeconds() + "s")));
		this.devIdp = new DevIdpControls(this.stack.devIdp());
		this.faults = new DevIdpFaults(this.stack.devIdp().uri());
	}

	@AfterEach
	void clearFaults() {
		this.faults.clear();
	}

	@AfterAll
	void stopStack() {
		this.stack.close();
	}

	@Test
	void getMeWhenTokenEndpointSlowerThanTheGatewayWaitsThenSessionSurvivesWithOneRefreshPerExpiry() {
		UserSession alice = signIn();
		awaitExpiryOfLatestAccessToken();
		this.devIdp.resetStats();
		this.faults.slowDown("token", TOKEN_LATENCY);

		Exchange whileSlow = alice.getMe();
		// The fault clears while the slow refresh is still running at dev-idp.
		this.faults.clear();
		List<Exchange> untilWorking = alice.getMeHonouringRetryAfter(RECOVERY_BOUND);

		Exchange recovered = untilWorking.get(untilWorking.size() - 1);
		assertThat(recovered.status()).as("/me once the fault cleared: %s", untilWorking).isEqualTo(200);
		assertThat(whileSlow.status()).as(whileSlow.body()).isEqualTo(503);
		assertThat(untilWorking.subList(0, untilWorking.size() - 1))
			.allSatisfy(RefreshUnderIdpFaultsJourney::isRetryable);
		isRetryable(whileSlow);
		assertThat(this.devIdp.refreshTokenGrants()).as("refreshes that reached dev-idp for the first expiry")
			.isEqualTo(1);

		// The session lives on with the rotated refresh token: the next expiry refreshes
		// once more, and reuse detection never fired. A refresh that takes longer than a
		// request waits (a machine busy with another journey) is answered 503 with
		// Retry-After, as designed: the user's retries, not the first answer, must end in
		// the profile.
		awaitExpiryOfLatestAccessToken();
		List<Exchange> nextExpiry = alice.getMeHonouringRetryAfter(RECOVERY_BOUND);
		assertThat(nextExpiry.get(nextExpiry.size() - 1).status()).as("/me after the second expiry: %s", nextExpiry)
			.isEqualTo(200);
		assertThat(nextExpiry.subList(0, nextExpiry.size() - 1)).allSatisfy(RefreshUnderIdpFaultsJourney::isRetryable);
		assertThat(this.devIdp.refreshTokenGrants()).as("refreshes after the second expiry").isEqualTo(2);
		assertThat(alice.session().body()).contains("\"authenticated\":true");
	}

	@Test
	void getMeWhenTokenEndpointFailsThenRetryAfterAndAtMostOneRefreshPerBackoff() {
		UserSession alice = signIn();
		awaitExpiryOfLatestAccessToken();
		this.faults.failAll("token");
		this.devIdp.resetStats();

		Instant start = Instant.now();
		List<Exchange> whileFailing = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			whileFailing.add(alice.getMe());
		}
		Duration elapsed = Duration.between(start, Instant.now());
		long attempts = this.devIdp.refreshTokenGrants();

		assertThat(whileFailing).allSatisfy(RefreshUnderIdpFaultsJourney::isRetryable);
		assertThat(attempts).as("refreshes that reached dev-idp in %s with a %s backoff", elapsed, BACKOFF)
			.isBetween(1L, 1 + elapsed.toMillis() / BACKOFF.toMillis());

		this.faults.clear();
		List<Exchange> untilWorking = alice.getMeHonouringRetryAfter(RECOVERY_BOUND);
		Exchange recovered = untilWorking.get(untilWorking.size() - 1);
		assertThat(recovered.status()).as("/me once the fault cleared: %s", untilWorking).isEqualTo(200);
		assertThat(alice.session().body()).contains("\"authenticated\":true");
	}

	private static void isRetryable(Exchange exchange) {
		assertThat(exchange.status()).as(exchange.body()).isEqualTo(503);
		assertThat(exchange.header("content-type")).startsWith("application/problem+json");
		assertThat(exchange.header("retry-after")).as("Retry-After of " + exchange.body()).matches("[1-9][0-9]*");
	}

	private UserSession signIn() {
		SpaClient first = SpaClient.signIn(this.stack.gateway(0), "alice", "alice");
		List<SpaClient> clients = new ArrayList<>();
		clients.add(first);
		for (int i = 1; i < gatewayCount(); i++) {
			clients.add(new SpaClient(first.agent(), this.stack.gateway(i)));
		}
		return new UserSession(clients);
	}

	abstract int gatewayCount();

	/**
	 * Waits until the access token dev-idp issued last (a login's or a refresh's) has
	 * expired.
	 */
	private void awaitExpiryOfLatestAccessToken() {
		String accessToken = this.devIdp.latestGatewayLogin().get("access_token").asString();
		Instant expiresAt = ForgedTokens.claims(accessToken).getExpirationTime().toInstant();
		assertThat(expiresAt).isBefore(Instant.now().plus(ACCESS_TOKEN_TTL).plusSeconds(1));
		while (!Instant.now().isAfter(expiresAt)) {
			pause(Duration.between(Instant.now(), expiresAt).plusMillis(20));
		}
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(Math.max(1, duration.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** One browser's session, its requests spread round-robin over the gateways. */
	static final class UserSession {

		private final List<SpaClient> clients;

		private int next;

		UserSession(List<SpaClient> clients) {
			this.clients = clients;
		}

		Exchange getMe() {
			return nextClient().getMe();
		}

		Exchange session() {
			return nextClient().session();
		}

		/**
		 * Calls {@code /me} until it answers anything but 503, waiting what each 503's
		 * {@code Retry-After} asks (1 s when it has none), as the SPA does; every answer,
		 * the last one first to look at.
		 */
		List<Exchange> getMeHonouringRetryAfter(Duration bound) {
			Instant deadline = Instant.now().plus(bound);
			List<Exchange> answers = new ArrayList<>();
			while (true) {
				Exchange answer = getMe();
				answers.add(answer);
				if (answer.status() != 503 || Instant.now().isAfter(deadline)) {
					return answers;
				}
				String retryAfter = answer.header("retry-after");
				pause(Duration
					.ofSeconds((retryAfter != null && retryAfter.matches("[0-9]+")) ? Long.parseLong(retryAfter) : 1));
			}
		}

		private SpaClient nextClient() {
			SpaClient client = this.clients.get(this.next);
			this.next = (this.next + 1) % this.clients.size();
			return client;
		}

	}

}

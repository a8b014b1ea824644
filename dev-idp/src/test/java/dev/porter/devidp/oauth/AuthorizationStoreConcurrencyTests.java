package dev.porter.devidp.oauth;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parallel logins against the authorization store dev-idp really uses: every login saves
 * an authorization that is still waiting for its code exchange while other logins look
 * theirs up by {@code state}. The store must neither throw nor lose one.
 */
class AuthorizationStoreConcurrencyTests {

	private static final RegisteredClient CLIENT = RegisteredClient.withId("gateway")
		.clientId("porter-gateway")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://localhost:8080/login/oauth2/code/auth0")
		.build();

	private static final int THREADS = 8;

	private static final int LOGINS_PER_THREAD = 500;

	@Test
	void findByTokenWhenLoginsSavedConcurrentlyThenEveryLoginIsFoundAndNothingThrows() throws Exception {
		OAuth2AuthorizationService store = new AuthorizationServerConfiguration()
			.authorizationService(new SessionSignIns(), Clock.systemUTC());
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		Queue<String> lost = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			Thread worker = new Thread(() -> {
				try {
					start.await();
					for (int i = 0; i < LOGINS_PER_THREAD; i++) {
						String state = "state-" + thread + "-" + i;
						store.save(pendingLogin(state));
						OAuth2Authorization found = store.findByToken(state,
								new OAuth2TokenType(OAuth2ParameterNames.STATE));
						if (found == null) {
							lost.add(state);
						}
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			worker.start();
			threads.add(worker);
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(failures).isEmpty();
		assertThat(lost).isEmpty();
	}

	@Test
	void findByTokenWhenThousandsOfLoginsAwaitTheirCodeExchangeThenNoneIsForgotten() {
		OAuth2AuthorizationService store = new AuthorizationServerConfiguration()
			.authorizationService(new SessionSignIns(), Clock.systemUTC());
		for (int i = 0; i < 2_000; i++) {
			store.save(pendingLogin("state-" + i));
		}
		for (int i = 0; i < 2_000; i++) {
			assertThat(store.findByToken("state-" + i, new OAuth2TokenType(OAuth2ParameterNames.STATE)))
				.as("login %d", i)
				.isNotNull();
		}
	}

	private static OAuth2Authorization pendingLogin(String state) {
		return OAuth2Authorization.withRegisteredClient(CLIENT)
			.id(state)
			.principalName("auth0|alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.attribute(OAuth2ParameterNames.STATE, state)
			.build();
	}

}

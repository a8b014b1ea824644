package dev.porter.profile.me;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.ScarceCallBudget;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.upstream.CallBudget;
import dev.porter.profile.userinfo.Userinfo;
import dev.porter.testsupport.Eventually;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a gap in the invalidations every cached user is stale at once
 * ({@link ProfileCaches#directoryMayHaveChangedElsewhere}), on every instance, and each
 * one's next read revalidates her in the background through the Management API's budget,
 * which every instance shares. Those revalidations took the budget's every place, its
 * wait included, and the users nobody had cached (a sign-in: no stale copy to serve) and
 * the changes got 503 for minutes. A revalidation nobody waits for now takes only a call
 * free at once; refused, the stale copy keeps serving, and a later read tries again.
 */
@Import(StaleRevalidationBudgetTests.ScarceManagementBudget.class)
class StaleRevalidationBudgetTests extends ProfileServiceIntegrationTest {

	private static final int CACHED_USERS = 10;

	@Autowired
	@Qualifier("management")
	private CallBudget managementBudget;

	private final List<String> cached = new ArrayList<>();

	@BeforeEach
	void usersCachedAsTheDirectoryHadThem() {
		upstreams.management()
			.stubFor(get(urlPathMatching("/api/v2/users/auth0%7Cuser\\d+"))
				.willReturn(okJson("{\"nickname\":\"before\",\"identities\":[]}")));
		for (int i = 0; i < CACHED_USERS; i++) {
			String token = signedIn("auth0|user" + i);
			getMe(token).expectStatus().isOk();
			this.cached.add(token);
		}
	}

	@AfterEach
	void budgetAsBefore() {
		budget().plenty();
	}

	@Test
	void getMeWhenEveryCachedUserIsRevalidatedAtOnceThenANewUsersLoadStillGetsTheBudget() throws Exception {
		this.caches.directoryMayHaveChangedElsewhere();
		budget().runShort(1);

		for (String token : this.cached) {
			getMe(token).expectStatus().isOk().expectBody().jsonPath("$.nickname").isEqualTo("before");
		}
		Eventually.await("every stale read's revalidation asking for the budget", Duration.ofSeconds(10),
				() -> budget().asked() >= CACHED_USERS);
		String newcomer = signedIn("auth0|user100");
		CompletableFuture<EntityExchangeResult<String>> signIn = CompletableFuture
			.supplyAsync(() -> getMe(newcomer).expectBody(String.class).returnResult());
		Eventually.await("the new user's load asking for the budget", Duration.ofSeconds(10),
				() -> budget().asked() > CACHED_USERS);
		budget().free(1);

		assertThat(signIn.get().getStatus().value()).as("the new user's GET /me").isEqualTo(200);
		upstreams.management().verify(1, getRequestedFor(urlEqualTo("/api/v2/users/auth0%7Cuser100")));
	}

	@Test
	void getMeWhenARevalidationWasRefusedTheBudgetThenServedStaleAndRevalidatedByALaterRead() {
		this.caches.directoryMayHaveChangedElsewhere();
		upstreams.management()
			.stubFor(get(urlPathMatching("/api/v2/users/auth0%7Cuser\\d+"))
				.willReturn(okJson("{\"nickname\":\"after\",\"identities\":[]}")));
		budget().runShort(1);
		String token = this.cached.get(0);

		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.nickname").isEqualTo("before");
		Eventually.await("the revalidation refused", Duration.ofSeconds(10), () -> budget().asked() >= 1);
		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.nickname").isEqualTo("before");
		budget().plenty();

		Eventually.await("revalidated by a later read", Duration.ofSeconds(10), () -> "after".equals(nickname(token)));
		assertThat(budget().waiting()).isZero();
	}

	private String nickname(String token) {
		return getMe(token).expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()
			.replaceAll(".*\"nickname\":\"([^\"]*)\".*", "$1");
	}

	/** Her token, her {@code /userinfo} already cached: only the directory is asked. */
	private String signedIn(String sub) {
		this.caches.userinfo()
			.put(UserinfoKey.of(sub, "openid profile email"),
					new Userinfo(JsonNodeFactory.instance.objectNode().put("sub", sub)));
		return TestJwts.mint(issuer(), sub);
	}

	private ScarceCallBudget budget() {
		return (ScarceCallBudget) this.managementBudget;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ScarceManagementBudget {

		/** The Management API's call budget, run short when a test asks. */
		@Bean
		static BeanPostProcessor scarceManagementBudget() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					return (bean instanceof CallBudget && name.equals("managementCallBudget")) ? new ScarceCallBudget()
							: bean;
				}

			};
		}

	}

}

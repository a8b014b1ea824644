package dev.porter.profile.me;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.http.HttpHeaders;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * {@link ProfileCaches#clear}, every integration test's cold start, leaves nothing of
 * what came before it: a load the test before left running (its caller was answered once
 * the other upstream failed) may end after the clear, but what it was told is not kept.
 * One such load's 404 was replayed to the next test, which got "user not found" without a
 * call although its own stubs had her.
 */
class ClearedCachesTests extends ProfileServiceIntegrationTest {

	@Test
	void getMeWhenALoadLeftRunningFailsAfterTheClearThenTheNextReadAsksAgain() throws Exception {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp().stubFor(get(urlEqualTo("/userinfo")).willReturn(Upstreams.status(400)));
		upstreams.management()
			.stubFor(get(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(404)
				.withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
				.withBody(Fixtures.read("management/error-not-found.json"))));
		HeldAnswer directory = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "");
		getMe(token).expectStatus().isUnauthorized();
		directory.awaitReached();

		CompletableFuture<Void> cleared = this.caches.clear().toFuture();
		directory.release();
		cleared.get(10, TimeUnit.SECONDS);
		// what coldStart does next, then the next test's own stubs
		upstreams.reset();
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");

		getMe(token).expectStatus().isOk();
		upstreams.management().verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

}

package dev.porter.profile.me;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;
import dev.porter.testsupport.HeldAnswer;

import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Cache-Status} says {@code stored} (RFC 9211) only when the cache holds what the
 * request loaded or wrote: not when another instance's announcement dropped the entry
 * while the load or the change was on its way. The test holds the Management API's answer
 * until the announcement has arrived, so the order is the test's.
 */
class CacheStatusStoredTests extends ProfileServiceIntegrationTest {

	private static final String CACHE_STATUS = "Cache-Status";

	@Test
	void getMeWhenTheLoadInFlightIsDroppedThenNotStoredAndTheNextReadLoadsAgain() throws Exception {
		String token = alice();
		HeldAnswer load = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "");

		CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> cacheStatus(getMe(token)));
		load.awaitReached();
		this.caches.directoryChangedElsewhere(Upstreams.ALICE);
		load.release();

		assertThat(first.join()).isEqualTo("profile-service; fwd=uri-miss");
		assertThat(cacheStatus(getMe(token))).as("loaded again: nothing was stored")
			.isEqualTo("profile-service; fwd=uri-miss; stored");
		upstreams.management().verify(2, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenTheChangeIsOverlappedThenNotStoredAndTheNextReadLoads() throws Exception {
		String token = alice();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
		HeldAnswer write = upstreams.holdManagementAnswer(Upstreams.ALICE_PATH, "\"theme\"");

		CompletableFuture<String> answer = CompletableFuture
			.supplyAsync(() -> cacheStatus(patchMetadata(token, "{\"theme\":\"dark\"}")));
		write.awaitReached();
		this.caches.directoryChangedElsewhere(Upstreams.ALICE);
		write.release();

		assertThat(answer.join()).isEqualTo("profile-service; fwd=method");
		assertThat(cacheStatus(getMe(token))).as("the entry was dropped, not written through")
			.isEqualTo("profile-service; fwd=uri-miss; stored");
	}

	@Test
	void patchMetadataWhenNothingOverlapsThenStoredAndTheNextReadHits() {
		String token = alice();
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));

		assertThat(cacheStatus(patchMetadata(token, "{\"theme\":\"dark\"}")))
			.isEqualTo("profile-service; fwd=method; stored");
		assertThat(cacheStatus(getMe(token))).startsWith("profile-service; hit; ttl=");
	}

	private static String alice() {
		String token = TestJwts.mint(upstreams.issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		return token;
	}

	private static String cacheStatus(WebTestClient.ResponseSpec response) {
		return response.expectStatus().isOk().returnResult(byte[].class).getResponseHeaders().getFirst(CACHE_STATUS);
	}

}

package dev.porter.profile.me;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class MetadataEndpointTests extends ProfileServiceIntegrationTest {

	private String alice() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		upstreams.management()
			.stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH))
				.willReturn(okJson(Fixtures.read("management/user-recorded-patched.json"))));
		return token;
	}

	private WebTestClient.ResponseSpec patchMetadata(String token, String contentType, String body) {
		return this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.bodyValue(body)
			.exchange();
	}

	@Test
	void patchMetadataWhenValidThenSendsOnlyDeltaAndAnswersMergedProfile() {
		String token = alice();
		patchMetadata(token, "application/json", "{\"theme\":\"dark\",\"old\":null}").expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=method; stored")
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
			.expectBody()
			.jsonPath("$.user_metadata.theme")
			.isEqualTo("dark")
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick")
			.jsonPath("$.sub")
			.isEqualTo(Upstreams.ALICE);
		upstreams.management()
			.verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH))
				.withRequestBody(equalToJson("{\"user_metadata\":{\"theme\":\"dark\",\"old\":null}}")));
	}

	/**
	 * By this endpoint's rules an empty delta changes nothing, while Auth0, sent
	 * {@code {"user_metadata":{}}}, removes the whole of it (auth0-contract.md, section
	 * 3).
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{}", " { } ", "{\n}" })
	void patchMetadataWhenEmptyObjectThenNothingSentAndMetadataKept(String body) {
		String token = alice();
		patchMetadata(token, "application/json", body).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.user_metadata.favourite_attack")
			.isEqualTo("roundhouse_kick")
			.jsonPath("$.sub")
			.isEqualTo(Upstreams.ALICE);
		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	// Flat values (scalars, arrays, null) mean the same under RFC 7396 and Auth0's
	// top-level merge: sent as they are.
	@Test
	void patchMetadataWhenMergePatchOfFlatValuesThenSentAsTheDelta() {
		patchMetadata(alice(), "application/merge-patch+json",
				"{\"theme\":\"dark\",\"old\":null,\"tags\":[\"a\",null,{\"k\":1}]}")
			.expectStatus()
			.isOk();
		upstreams.management()
			.verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)).withRequestBody(equalToJson(
					"{\"user_metadata\":{\"theme\":\"dark\",\"old\":null,\"tags\":[\"a\",null,{\"k\":1}]}}")));
	}

	/**
	 * Under RFC 7396 an object value is merged key by key into the stored one; Auth0
	 * replaces it whole (auth0-contract.md, section 3), so a client following the media
	 * type would lose the keys it left out. The one case where the two differ is refused.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{\"address\":{\"city\":\"Wellington\"}}", "{\"address\":{}}",
			"{\"theme\":\"dark\",\"address\":{\"city\":\"Wellington\"}}" })
	void patchMetadataWhenMergePatchSetsAnObjectThenRefusedNamingItAndNothingSent(String body) {
		patchMetadata(alice(), "application/merge-patch+json", body).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors.length()")
			.isEqualTo(1)
			.jsonPath("$.errors[0].pointer")
			.isEqualTo("/address")
			.jsonPath("$.errors[0].detail")
			.value(String.class,
					(detail) -> assertThat(detail).contains("replaced whole").contains("application/json"));
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenJsonSetsAnObjectThenSentToReplaceTheStoredOneWhole() {
		patchMetadata(alice(), "application/json", "{\"address\":{\"city\":\"Wellington\"}}").expectStatus().isOk();
		upstreams.management()
			.verify(1, patchRequestedFor(urlEqualTo(Upstreams.ALICE_PATH))
				.withRequestBody(equalToJson("{\"user_metadata\":{\"address\":{\"city\":\"Wellington\"}}}")));
	}

	/**
	 * What Auth0 does with a null inside an object it replaces (stores it, strips it) is
	 * undocumented (auth0-contract.md, section 3), and RFC 7396 would delete the member.
	 */
	@ParameterizedTest(name = "{0} {1}")
	@CsvSource(delimiter = '|',
			value = { "application/json|{\"address\":{\"street\":\"1 Main St\",\"zip\":null}}|/address/zip",
					"application/json|{\"a\":{\"b\":{\"c\":null}}}|/a/b/c",
					"application/json|{\"list\":[{\"zip\":null}]}|/list/0/zip",
					"application/merge-patch+json|{\"list\":[1,{\"zip\":null}]}|/list/1/zip" })
	void patchMetadataWhenNullNestedInAnObjectThenRefusedNamingItAndNothingSent(String contentType, String body,
			String pointer) {
		patchMetadata(alice(), contentType, body).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors.length()")
			.isEqualTo(1)
			.jsonPath("$.errors[0].pointer")
			.isEqualTo(pointer);
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenConfirmedThenLaterGetServesWrittenThroughUser() {
		String token = alice();
		patchMetadata(token, "application/json", "{\"theme\":\"dark\"}").expectStatus().isOk();
		this.client.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueMatches("Cache-Status", "profile-service; hit; ttl=\\d+")
			.expectBody()
			.jsonPath("$.user_metadata.theme")
			.isEqualTo("dark");
		upstreams.management().verify(1, getRequestedFor(urlEqualTo(Upstreams.ALICE_PATH)));
	}

	@Test
	void patchMetadataWhenAuth0FailsThenNoSuccessAndCacheUnchanged() {
		String token = alice();
		upstreams.management().stubFor(patch(urlEqualTo(Upstreams.ALICE_PATH)).willReturn(Upstreams.status(500)));
		patchMetadata(token, "application/json", "{\"theme\":\"dark\"}").expectStatus().isEqualTo(503);
		this.client.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectBody()
			.jsonPath("$.user_metadata.theme")
			.doesNotExist();
	}

	@Test
	void patchMetadataWhenResultWouldExceedTenKibThenBadRequestAndNothingSent() {
		String token = alice();
		String big = "x".repeat(5000);
		patchMetadata(token, "application/json", "{\"a\":\"" + big + "\",\"b\":\"" + big + "\",\"c\":\"" + big + "\"}")
			.expectStatus()
			.isBadRequest();
		upstreams.management().verify(0, patchRequestedFor(anyUrl()));
	}

	static java.util.stream.Stream<Arguments> badBodies() {
		String deep = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}";
		return java.util.stream.Stream.of(
				Arguments.of("invalid JSON", "application/json", "{\"theme\":", 400, "/theme"),
				Arguments.of("array", "application/json", "[{\"theme\":\"dark\"}]", 400, ""),
				Arguments.of("string", "application/json", "\"dark\"", 400, ""),
				Arguments.of("empty body", "application/json", " ", 400, ""),
				Arguments.of("deep nesting", "application/json", deep, 400, "/a/b/c/d/e"),
				Arguments.of("dotted key", "application/json", "{\"preference.color\":\"pink\"}", 400,
						"/preference.color"),
				Arguments.of("dollar key", "application/json", "{\"a\":{\"$where\":1}}", 400, "/a/$where"),
				Arguments.of("empty key", "application/json", "{\"\":1}", 400, "/"),
				Arguments.of("too long key", "application/json", "{\"" + "k".repeat(101) + "\":1}", 400,
						"/" + "k".repeat(101)),
				Arguments.of("app_metadata", "application/json", "{\"app_metadata\":{\"plan\":\"free\"}}", 400,
						"/app_metadata"),
				Arguments.of("email", "application/json", "{\"email\":\"evil@example.com\"}", 400, "/email"),
				Arguments.of("too large", "application/json", "{\"a\":\"" + "x".repeat(17 * 1024) + "\"}", 413, null),
				Arguments.of("far too large to buffer", "application/json",
						"{\"a\":\"" + "x".repeat(200 * 1024) + "\"}", 413, null),
				Arguments.of("wrong content type", "text/plain", "{\"theme\":\"dark\"}", 415, null));
	}

	// Over the 64 KB the codecs buffer, the framework refuses the body before the
	// controller
	// sees it: the problem must still be Porter's, naming the limit.
	@Test
	void patchMetadataWhenBodyFarTooLargeToBufferThenPortersPayloadTooLargeProblem() {
		patchMetadata(alice(), "application/json", "{\"a\":\"" + "x".repeat(200 * 1024) + "\"}").expectStatus()
			.isEqualTo(413)
			.expectBody()
			.jsonPath("$.type")
			.value(String.class, (type) -> assertThat(type).endsWith("/payload-too-large"))
			.jsonPath("$.detail")
			.isEqualTo("The body must not exceed " + MetadataPatch.MAX_BODY_BYTES + " bytes.");
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badBodies")
	void patchMetadataWhenBodyBadThenClientErrorAndNothingSentUpstream(String name, String contentType, String body,
			int status, String pointer) {
		String token = alice();
		WebTestClient.BodyContentSpec response = patchMetadata(token, contentType, body).expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(status);
		if (pointer != null) {
			response.jsonPath("$.errors[0].pointer").isEqualTo(pointer);
		}
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
		upstreams.idp().verify(0, getRequestedFor(urlEqualTo("/userinfo")));
	}

	static java.util.stream.Stream<Arguments> badBytes() {
		return java.util.stream.Stream.of(
				Arguments.of("UTF-16 declared", "application/json;charset=UTF-16",
						"{\"theme\":\"dark\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16), ""),
				Arguments.of("UTF-16 undeclared", "application/json",
						"{\"theme\":\"dark\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16BE), ""),
				Arguments.of("latin-1 bytes", "application/json",
						"{\"city\":\"Zürich\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), ""),
				Arguments.of("huge exponent", "application/json", utf8("{\"n\":1e999999}"), "/n"),
				Arguments.of("NUL", "application/json", utf8("{\"a\":\"x\\u0000\"}"), "/a"),
				Arguments.of("lone surrogate", "application/json", utf8("{\"a\":\"\\ud800\"}"), "/a"),
				Arguments.of("duplicate key", "application/json", utf8("{\"a\":1,\"a\":2}"), "/a"),
				Arguments.of("__proto__", "application/json", utf8("{\"__proto__\":{\"admin\":true}}"), "/__proto__"));
	}

	private static byte[] utf8(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badBytes")
	void patchMetadataWhenBytesBadThenBadRequestNamingPointerAndNothingSentUpstream(String name, String contentType,
			byte[] body, String pointer) {
		this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(alice()))
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].pointer")
			.isEqualTo(pointer);
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
		upstreams.idp().verify(0, getRequestedFor(urlEqualTo("/userinfo")));
	}

	@Test
	void patchMetadataWhenSeveralKeysBadThenOnePointerEach() {
		patchMetadata(alice(), "application/json", "{\"a.b\":1,\"c$\":2,\"ok\":{\"d.e\":3}}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors.length()")
			.isEqualTo(3);
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenAnonymousThenUnauthorizedAndNothingSent() {
		this.client.patch()
			.uri("/me/metadata")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"theme\":\"dark\"}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
	}

}

package dev.porter.devidp.management;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.porter.devidp.ShiftableDevIdpClock;
import dev.porter.testsupport.ShiftableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * dev-idp on a random port, its issuer pointed at {@link TestManagementTokens}' JWKS, and
 * a real HTTP client, so that Tomcat's handling of encoded ids is part of every test. One
 * context serves every subclass. dev-idp's clock is a {@link ShiftableClock}, put back
 * after each test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ShiftableDevIdpClock.class)
abstract class ManagementApiTestSupport {

	static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	static final String BOB = "google-oauth2|103547991597142817347";

	@LocalServerPort
	int port;

	RestTestClient client;

	@Autowired
	ShiftableClock devIdpClock;

	@DynamicPropertySource
	static void issuer(DynamicPropertyRegistry registry) {
		TestManagementTokens.register(registry);
	}

	@BeforeEach
	void client() {
		this.client = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@AfterEach
	void resetDevIdpClock() {
		this.devIdpClock.reset();
	}

	/** Creates a database user with a unique email and these extra attributes. */
	String createUser(Map<String, Object> attributes) {
		String email = "user-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + "@example.com";
		Map<String, Object> body = new HashMap<>(attributes);
		body.putAll(Map.of("email", email, "password", "Passw0rd!", "connection", "Username-Password-Authentication"));
		return this.client.post()
			.uri("/api/v2/users")
			.header("Authorization", "Bearer " + TestManagementTokens.withScopes("create:users"))
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(JSON_OBJECT)
			.getResponseBody()
			.get("user_id")
			.toString();
	}

	static String bearer(String... scopes) {
		return "Bearer " + TestManagementTokens.withScopes(scopes);
	}

}

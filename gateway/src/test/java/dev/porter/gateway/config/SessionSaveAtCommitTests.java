package dev.porter.gateway.config;

import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayInstances;
import dev.porter.gateway.support.SharedTwoGatewaysOnRedis;
import dev.porter.gateway.support.TestClients;
import dev.porter.gateway.support.TestSessionKeys;
import dev.porter.gateway.support.TwoGatewaysOnRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * Spring saves a changed session as the answer is committed. A HEAD's answer (its writes
 * dropped) and an answer nobody wrote are committed only once the server's filters and
 * handler are done, where a failure no longer reaches the error handlers: the session
 * store's refusal was an empty 500 instead of the store's 503 problem with
 * {@code Retry-After}. Here a session carries a change (the idle timeout of an instance
 * configured longer than the one that stored it; a shorter one is applied as the session
 * is read, with nothing to write) while Redis refuses session writes through its ACL.
 */
@ExtendWith(SharedTwoGatewaysOnRedis.class)
class SessionSaveAtCommitTests {

	private static TwoGatewaysOnRedis instances;

	private static ConfigurableApplicationContext other;

	@BeforeAll
	static void instances(TwoGatewaysOnRedis shared) {
		instances = shared;
		other = GatewayInstances.startOnTestIdp(instances.clock(), "--porter.redis.url=" + instances.redis().url(),
				"--porter.session.encryption-keys=" + TestSessionKeys.SHARED,
				"--porter.relay.profile-service-uri=http://localhost:" + instances.profile().port(),
				"--porter.session.idle-timeout=40m");
	}

	@AfterAll
	static void stopOther() {
		other.close();
	}

	@AfterEach
	void restore() throws Exception {
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~*");
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "GET, /bff/session", "HEAD, /bff/session", "GET, /bff/sessions", "HEAD, /bff/sessions" })
	void requestWhenASessionChangeCannotBeStoredThenTheSessionStoresProblem(String method, String path)
			throws Exception {
		Browser browser = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(instances.first())))
			.login("auth0|dave", 3600);
		Browser elsewhere = new Browser(TestClients.gateway(TwoGatewaysOnRedis.port(other)));
		elsewhere.cookies().putAll(browser.cookies());
		instances.redisCli("ACL", "SETUSER", "default", "resetkeys", "~porter:[^s]*", "~porter:sessions:*",
				"%R~porter:session:*");

		elsewhere.method(HttpMethod.valueOf(method), path)
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER);
	}

}

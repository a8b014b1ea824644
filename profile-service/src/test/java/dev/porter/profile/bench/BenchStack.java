package dev.porter.profile.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.CountDownLatch;

import dev.porter.profile.ProfileServiceApplication;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The benchmark's stack (not a test): profile-service against the WireMock stand-ins for
 * Auth0, with one user and a token valid for an hour. Writes {@code PORT=} and
 * {@code TOKEN=} to the file named by the first argument once ready, then runs until
 * killed. Started by {@code bench/profile-me.sh}.
 */
public final class BenchStack {

	private BenchStack() {
	}

	public static void main(String[] args) throws Exception {
		Path ready = Path.of(args[0]);
		Upstreams upstreams = Upstreams.instance();
		upstreams.reset();
		String token = TestJwts.mint(upstreams.issuer(), Upstreams.ALICE,
				(claims) -> claims.expirationTime(Date.from(java.time.Instant.now().plus(Duration.ofHours(1)))));
		upstreams.stubUser(token, "userinfo/recorded.json", Upstreams.ALICE_PATH, "management/user-recorded.json");
		ConfigurableApplicationContext context = new SpringApplication(ProfileServiceApplication.class).run(
				"--server.port=0", "--management.server.port=0", "--spring.main.banner-mode=off",
				"--logging.level.root=WARN", "--porter.oidc.issuer-uri=" + upstreams.issuer(),
				"--porter.directory.auth0.base-uri=" + upstreams.managementUri(),
				"--porter.directory.auth0.token-uri=" + upstreams.issuer() + "oauth/token",
				"--porter.directory.auth0.client-id=porter-profile",
				"--porter.directory.auth0.client-secret=bench-only-secret",
				// One caller drives the whole load: its own limit must not be
				// what is measured.
				"--porter.api.caller-limit-for-period=100000000");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			context.close();
			upstreams.idp().stop();
			upstreams.management().stop();
			stopped.countDown();
		}));
		Files.writeString(ready, "PORT=" + port + "\nTOKEN=" + token + "\n");
		stopped.await();
	}

}

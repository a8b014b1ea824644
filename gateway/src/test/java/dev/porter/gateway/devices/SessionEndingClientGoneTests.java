package dev.porter.gateway.devices;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.ToTheEnd;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LeavingClient;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.StoreHiccups;
import dev.porter.gateway.support.TestClients;
import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session ending whose client left (a tab closed) runs to its end, and may fail there,
 * Redis down: the failure reaches nobody, and never becomes Reactor's dropped-error ERROR
 * with a stack trace and the store's message, once per ending during an outage. (The same
 * configuration as {@link SessionEndingTests}, to share its application context.)
 */
@Import({ StoreHiccups.class, MovableGatewayClock.class })
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "porter.test.oidc-response-timeout=30s")
class SessionEndingClientGoneTests extends GatewayTestSupport {

	@Autowired
	private StoreHiccups hiccups;

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ToTheEnd toTheEnd;

	@BeforeEach
	void clockAtRealTime() {
		this.clock.moveTo(Instant.now());
	}

	@AfterEach
	void noHiccup() {
		this.hiccups.reset();
	}

	@Test
	void deleteWhenTheStoreFailsTheRemovalAfterTheClientLeftThenNoErrorIsLogged(CapturedOutput output)
			throws Exception {
		String sub = "auth0|gone-" + UUID.randomUUID();
		Browser laptop = signIn(sub, "Laptop/1.0");
		Browser phone = signIn(sub, "Phone/2.0");
		String phoneId = SessionsApiTests.idOf(laptop, false);
		SessionKey phoneKey = SessionKey.of(phone.sessionId());
		CompletableFuture<Void> clientGone = new CompletableFuture<>();
		CompletableFuture<Void> failed = this.hiccups.failRemovalWhen(phoneKey, clientGone);
		String xsrf = laptop.xsrf();
		LeavingClient client = LeavingClient.send(this.meters,
				laptop.webClient(this.port).delete().uri("/bff/sessions/" + phoneId).header("X-XSRF-TOKEN", xsrf));
		Eventually.await("the removal under way", Duration.ofSeconds(10),
				() -> this.hiccups.removals.containsKey(phoneKey));

		client.leave();
		clientGone.complete(null);
		failed.get(10, TimeUnit.SECONDS);
		this.toTheEnd.stepsEnded().block(Duration.ofSeconds(10));

		assertThat(output.getAll()).doesNotContain("onErrorDropped")
			.doesNotContain("\tat ")
			.doesNotContain("Redis command timed out");
	}

	private Browser signIn(String sub, String userAgent) {
		return new Browser(
				TestClients.gateway(this.port).mutate().defaultHeader(HttpHeaders.USER_AGENT, userAgent).build())
			.login(sub, 3600);
	}

}

package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.porter.gateway.session.ToTheEnd;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.VirtualGatewayTimers;
import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forged back-channel logout tokens, each posted and abandoned while it waits for the
 * next fetch of the IdP's keys: anyone can send them, up to a thousand waiting at once.
 * Each one's verification runs to its end and fails after its sender left; that failure
 * reaches nobody, and never becomes Reactor's dropped-error ERROR with a stack trace (one
 * per token, outside the back-channel logout's own throttled log). The gateway's waits
 * run on virtual time and its clock stands still, as in
 * {@link BackchannelLogoutKeyRotationTests}, whose application context this shares.
 */
@Import({ VirtualGatewayTimers.class, MovableGatewayClock.class })
@ExtendWith(OutputCaptureExtension.class)
class BackchannelLogoutSenderGoneTests extends GatewayTestSupport {

	/** Longer than any wait for a fetch of the IdP's keys. */
	private static final Duration PAST_ANY_WAIT = Duration.ofMinutes(1);

	@Autowired
	private VirtualTimeScheduler timers;

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ToTheEnd toTheEnd;

	@BeforeEach
	void clockAtNow() {
		this.clock.moveTo(Instant.now());
	}

	@Test
	void backchannelLogoutWhenTheSenderOfAForgedTokenLeavesBeforeItsVerificationFailsThenNoErrorIsLogged(
			CapturedOutput output) throws Exception {
		// A fetch now: the next token naming a made-up kid waits for the one after.
		assertThat(post(TestIdp.instance().logoutTokenWithUnknownKid(Map.of("sub", "auth0|anyone")))).isEqualTo(400);
		long waitsBefore = this.timers.getScheduledTaskCount();
		long abandonedBefore = abandonedDeliveries();

		Disposable delivery = send(TestIdp.instance().logoutTokenWithUnknownKid(Map.of("sub", "auth0|anyone")))
			.subscribe(null, (ignored) -> {
			});
		Eventually.await("the token waiting for the next fetch", Duration.ofSeconds(10),
				() -> this.timers.getScheduledTaskCount() > waitsBefore);
		delivery.dispose();
		Eventually.await("the gateway seeing the sender leave", Duration.ofSeconds(10),
				() -> abandonedDeliveries() > abandonedBefore);
		this.timers.advanceTimeBy(PAST_ANY_WAIT);
		this.toTheEnd.stepsEnded().block(Duration.ofSeconds(10));

		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
	}

	/**
	 * Posts {@code logoutToken} as the IdP does, moving the gateway's timers on until it
	 * is answered; the answer's status.
	 */
	private int post(String logoutToken) throws Exception {
		CompletableFuture<Integer> status = send(logoutToken).toFuture();
		Eventually.await("the back-channel logout answered", Duration.ofSeconds(10), () -> {
			this.timers.advanceTimeBy(PAST_ANY_WAIT);
			return status.isDone();
		});
		return status.get();
	}

	private Mono<Integer> send(String logoutToken) {
		return WebClient.create("http://localhost:" + this.port)
			.post()
			.uri("/bff/backchannel-logout")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("logout_token", logoutToken))
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()));
	}

	/** The deliveries the gateway saw the sender give up on before it answered. */
	private long abandonedDeliveries() {
		Timer timer = this.meters.find("http.server.requests")
			.tags("method", "POST", "uri", "/bff/backchannel-logout", "status", "UNKNOWN")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

}

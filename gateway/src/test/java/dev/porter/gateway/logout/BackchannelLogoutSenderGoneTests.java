package dev.porter.gateway.logout;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.porter.gateway.session.ToTheEnd;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import dev.porter.gateway.support.VirtualGatewayTimers;
import dev.porter.testsupport.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;

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

	@Autowired
	private VirtualTimeScheduler timers;

	@Autowired
	private MovableClock clock;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ToTheEnd toTheEnd;

	private BackchannelDeliveries deliveries;

	@BeforeEach
	void clockAtNow() {
		this.clock.moveTo(Instant.now());
		this.deliveries = new BackchannelDeliveries(this.port, this.timers, this.meters);
	}

	@Test
	void backchannelLogoutWhenTheSenderOfAForgedTokenLeavesBeforeItsVerificationFailsThenNoErrorIsLogged(
			CapturedOutput output) throws Exception {
		// A fetch now: the next token naming a made-up kid waits for the one after.
		assertThat(this.deliveries.post(TestIdp.instance().logoutTokenWithUnknownKid(Map.of("sub", "auth0|anyone"))))
			.isEqualTo(400);
		long waitsBefore = this.timers.getScheduledTaskCount();
		long abandonedBefore = this.deliveries.abandoned();

		Disposable delivery = this.deliveries
			.send(TestIdp.instance().logoutTokenWithUnknownKid(Map.of("sub", "auth0|anyone")))
			.subscribe(null, (ignored) -> {
			});
		Eventually.await("the token waiting for the next fetch", Duration.ofSeconds(10),
				() -> this.timers.getScheduledTaskCount() > waitsBefore);
		delivery.dispose();
		Eventually.await("the gateway seeing the sender leave", Duration.ofSeconds(10),
				() -> this.deliveries.abandoned() > abandonedBefore);
		this.timers.advanceTimeBy(BackchannelDeliveries.PAST_ANY_WAIT);
		this.toTheEnd.stepsEnded().block(Duration.ofSeconds(10));

		assertThat(output.getAll()).doesNotContain("onErrorDropped").doesNotContain("\tat ");
	}

}

package dev.porter.gateway.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

/**
 * On a {@link GatewayTestSupport} class: the relay waits for profile-service longer than
 * the test client waits for the gateway (30 s), so that an answer held with
 * {@link GatewayTestSupport#holdProfileAnswer} leaves when the test releases it, however
 * slow the machine, and never as the relay's own timeout (1 s in the rest of the suite,
 * which its tests of a slow upstream rely on). Every class marked shares one application
 * context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestPropertySource(properties = "porter.relay.response-timeout=1m")
public @interface RelayWaitsForHeldAnswers {

}

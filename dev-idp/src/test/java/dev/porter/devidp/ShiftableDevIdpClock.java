package dev.porter.devidp;

import dev.porter.testsupport.ShiftableClock;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Puts a {@link ShiftableClock} in the context in place of dev-idp's own, so that a test
 * sees what dev-idp dates and checks on its clock without waiting. The servers' test
 * supports put it back after each test. Spring Authorization Server still reads the
 * system clock where it cannot be given one (whether a code or a refresh token has
 * expired, whether the token sent to {@code /userinfo} is still active), so a shift stays
 * within the lifetimes a test relies on.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ShiftableDevIdpClock {

	@Bean
	@Primary
	ShiftableClock shiftableClock() {
		return new ShiftableClock();
	}

}

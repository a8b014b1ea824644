package dev.porter.devidp.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link Clock} that dates and checks what dev-idp issues (its tokens, logout
 * tokens, users' timestamps, the fault rate limits), so that a test can replace it
 * instead of waiting. Spring Authorization Server reads the system clock where it takes
 * none: whether an authorization code or a refresh token has expired, and whether the
 * access token sent to {@code /userinfo} is still active.
 */
@Configuration(proxyBeanMethods = false)
class ClockConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}

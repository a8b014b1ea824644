package dev.porter.devidp.backchannel;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class BackChannelLogoutPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void startWhenBaseEmptyThenUnsetAndDefaultTimeout() {
		this.runner.withPropertyValues("porter.backchannel-logout.base=").run((context) -> {
			BackChannelLogoutProperties properties = context.getBean(BackChannelLogoutProperties.class);
			assertThat(properties.base()).isNull();
			assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(3));
		});
	}

	@Test
	void startWhenBaseIsOriginThenUsed() {
		this.runner.withPropertyValues("porter.backchannel-logout.base=http://gateway:8080")
			.run((context) -> assertThat(context.getBean(BackChannelLogoutProperties.class).base())
				.isEqualTo(URI.create("http://gateway:8080")));
	}

	@Test
	void startWhenBaseHasPathThenRefusedNamingTheVariable() {
		this.runner.withPropertyValues("porter.backchannel-logout.base=http://gateway:8080/bff")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("DEV_IDP_BACKCHANNEL_LOGOUT_BASE"));
	}

	@Test
	void startWhenBaseIsNotHttpThenRefused() {
		this.runner.withPropertyValues("porter.backchannel-logout.base=file:///etc/")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void startWhenTimeoutZeroThenRefusedNamingTheVariable() {
		this.runner.withPropertyValues("porter.backchannel-logout.timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("DEV_IDP_BACKCHANNEL_LOGOUT_TIMEOUT"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(BackChannelLogoutProperties.class)
	static class PropertiesOnly {

	}

}

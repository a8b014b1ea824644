package dev.porter.devidp.management;

import java.time.Clock;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The collaborators of the Management API controller, and its error page's JSON. */
@Configuration(proxyBeanMethods = false)
class ManagementApiConfiguration {

	@Bean
	UserPayloadValidator userPayloadValidator() {
		return new UserPayloadValidator();
	}

	@Bean
	UserMerger userMerger(Clock clock) {
		return new UserMerger(clock);
	}

	@Bean
	NewUserFactory newUserFactory(JsonMapper mapper, Clock clock) {
		return new NewUserFactory(mapper, clock);
	}

	/** Replaces Spring Boot's: its own paths keep its answers. */
	@Bean
	ManagementErrorAttributes managementErrorAttributes(JsonMapper mapper) {
		return new ManagementErrorAttributes(mapper);
	}

	@Bean
	ProfileSizeLimit profileSizeLimit(ManagementApiProperties properties) {
		return new ProfileSizeLimit(properties.enforceProfileSizeLimit(), properties.profileSizeLimit());
	}

}

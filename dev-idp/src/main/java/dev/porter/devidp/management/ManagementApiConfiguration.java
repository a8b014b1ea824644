package dev.porter.devidp.management;

import java.time.InstantSource;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The collaborators of the Management API controller. */
@Configuration(proxyBeanMethods = false)
class ManagementApiConfiguration {

	@Bean
	UserPayloadValidator userPayloadValidator() {
		return new UserPayloadValidator();
	}

	@Bean
	UserMerger userMerger() {
		return new UserMerger(InstantSource.system());
	}

	@Bean
	NewUserFactory newUserFactory(JsonMapper mapper) {
		return new NewUserFactory(mapper, InstantSource.system());
	}

	@Bean
	ProfileSizeLimit profileSizeLimit(ManagementApiProperties properties) {
		return new ProfileSizeLimit(properties.enforceProfileSizeLimit(), properties.profileSizeLimit());
	}

}

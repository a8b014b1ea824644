package dev.porter.devidp.config;

import dev.porter.devidp.seed.Seed;
import dev.porter.devidp.seed.SeedLoader;
import dev.porter.devidp.users.InMemoryUserStore;
import dev.porter.devidp.users.UserStore;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

@Configuration(proxyBeanMethods = false)
class SeedConfiguration {

	@Bean
	Seed seed(DevIdpProperties properties, JsonMapper mapper) {
		var resource = (properties.seed() != null) ? properties.seed() : new ClassPathResource("seed.json");
		return new SeedLoader(mapper).load(resource, properties.issuerString());
	}

	@Bean
	UserStore userStore(Seed seed) {
		return new InMemoryUserStore(seed);
	}

}

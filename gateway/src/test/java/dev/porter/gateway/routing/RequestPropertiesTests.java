package dev.porter.gateway.routing;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPropertiesTests {

	private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

	// Reactor Netty takes a zero idle timeout for none: connections would wait for a
	// request for ever again.
	@Test
	void validateWhenConnectionIdleTimeoutZeroThenViolationNamesTheVariable() {
		assertThat(messages(new RequestProperties(Duration.ofSeconds(10), Duration.ZERO)))
			.containsExactly("CONNECTION_IDLE_TIMEOUT must be positive");
	}

	@Test
	void validateWhenDefaultsThenNoViolation() {
		assertThat(messages(new RequestProperties(Duration.ofSeconds(10), Duration.ofSeconds(65)))).isEmpty();
	}

	private Set<String> messages(RequestProperties properties) {
		return this.validator.validate(properties)
			.stream()
			.map(ConstraintViolation::getMessage)
			.collect(Collectors.toSet());
	}

}

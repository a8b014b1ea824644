package dev.porter.gateway.config;

import java.net.URI;

import dev.porter.common.HttpUris;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@link HttpUri}; an unset URI passes, as {@code @NotNull} decides whether it is
 * required.
 */
class HttpUriValidator implements ConstraintValidator<HttpUri, URI> {

	@Override
	public boolean isValid(@Nullable URI value, ConstraintValidatorContext context) {
		return value == null || HttpUris.isAbsoluteHttp(value);
	}

}

package dev.porter.gateway.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * The annotated URI setting, when given, must be an absolute {@code http(s)} URI with a
 * host ({@link dev.porter.common.HttpUris}). Without it a value such as
 * {@code tenant.eu.auth0.com} binds as a relative URI and the gateway starts ready, only
 * to fail each login or relay. The message names the environment variable.
 */
@Documented
@Constraint(validatedBy = HttpUriValidator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
public @interface HttpUri {

	String message();

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}

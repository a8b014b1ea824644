package dev.porter.devidp.management;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of dev-idp's Management API.
 *
 * @param enforceProfileSizeLimit whether writes that make a user profile larger than
 * {@code profileSizeLimit} are refused ({@code DEV_IDP_ENFORCE_PROFILE_SIZE_LIMIT})
 * @param profileSizeLimit the largest serialized user profile
 * ({@code DEV_IDP_PROFILE_SIZE_LIMIT}, Auth0's 10 KB)
 */
@Validated
@ConfigurationProperties("porter.management")
record ManagementApiProperties(@DefaultValue("true") boolean enforceProfileSizeLimit, @NotNull(
		message = "set DEV_IDP_PROFILE_SIZE_LIMIT, e.g. 10KB") @DefaultValue("10KB") DataSize profileSizeLimit) {

}

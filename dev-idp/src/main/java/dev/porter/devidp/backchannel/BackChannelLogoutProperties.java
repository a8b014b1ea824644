package dev.porter.devidp.backchannel;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where and how patiently dev-idp delivers back-channel logout tokens.
 *
 * @param base an origin ({@code http://gateway:8080}) that replaces the scheme, host and
 * port of every seeded back-channel logout URL, keeping its path; for compose, where
 * {@code localhost} inside dev-idp's container is dev-idp itself
 * ({@code DEV_IDP_BACKCHANNEL_LOGOUT_BASE}); unset, seeded URLs on loopback are used as
 * they are and others never
 * @param timeout how long one delivery may take to connect and to be answered
 * ({@code DEV_IDP_BACKCHANNEL_LOGOUT_TIMEOUT})
 */
@Validated
@ConfigurationProperties("porter.backchannel-logout")
record BackChannelLogoutProperties(@Nullable URI base,
		@NotNull(message = "set DEV_IDP_BACKCHANNEL_LOGOUT_TIMEOUT, e.g. 3s") @DefaultValue("3s") Duration timeout) {

	BackChannelLogoutProperties {
		// An empty DEV_IDP_BACKCHANNEL_LOGOUT_BASE means unset.
		if (base != null && base.toString().isEmpty()) {
			base = null;
		}
	}

	@AssertTrue(message = "DEV_IDP_BACKCHANNEL_LOGOUT_BASE must be an origin such as http://gateway:8080 "
			+ "(http or https, a host, no path)")
	boolean isBaseAnOrigin() {
		if (this.base == null) {
			return true;
		}
		String path = this.base.getRawPath();
		return ("http".equals(this.base.getScheme()) || "https".equals(this.base.getScheme()))
				&& this.base.getHost() != null && (path == null || path.isEmpty() || "/".equals(path))
				&& this.base.getRawQuery() == null && this.base.getRawFragment() == null
				&& this.base.getRawUserInfo() == null;
	}

	@AssertTrue(message = "DEV_IDP_BACKCHANNEL_LOGOUT_TIMEOUT must be positive")
	boolean isTimeoutPositive() {
		return this.timeout == null || (!this.timeout.isNegative() && !this.timeout.isZero());
	}

}

package dev.porter.gateway.forwarded;

import java.util.List;

import jakarta.validation.constraints.AssertTrue;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Proxies in front of the gateway.
 *
 * @param trustedProxies addresses or CIDRs ({@code TRUSTED_PROXIES}, comma-separated)
 * whose {@code Forwarded} and {@code X-Forwarded-*} headers are believed; empty (the
 * default) believes none and strips them
 * @param trustedHeaders which family of forwarding headers those proxies write
 * ({@code TRUSTED_PROXY_HEADERS}: {@code x-forwarded}, the default, or
 * {@code forwarded}); the other family is removed, never believed
 */
@Validated
@ConfigurationProperties("porter.forwarded")
public record ForwardedProperties(@DefaultValue List<String> trustedProxies,
		@DefaultValue("x-forwarded") ProxyHeaders trustedHeaders) {

	@AssertTrue(message = "TRUSTED_PROXIES must be IP addresses or CIDRs such as 10.0.0.0/8")
	public boolean isTrustedProxiesValid() {
		try {
			trusted();
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	TrustedProxies trusted() {
		return new TrustedProxies(
				this.trustedProxies.stream().filter((cidr) -> !cidr.isBlank()).map(Cidr::parse).toList());
	}

}

package dev.porter.gateway.bff;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

import dev.porter.common.HttpUris;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the browser reaches the gateway.
 *
 * @param publicBaseUrl external origin (behind a proxy: the proxy's); the OIDC redirect
 * URI and the post-logout redirect are built from it
 */
@Validated
@ConfigurationProperties("porter.bff")
public record BffProperties(
		@NotNull(message = "set PUBLIC_BASE_URL") @DefaultValue("http://localhost:8080") URI publicBaseUrl) {

	private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

	public BffProperties {
		HttpUris.requireAbsoluteHttp(publicBaseUrl, "PUBLIC_BASE_URL");
	}

	/** The base URL without a trailing slash, so paths can be appended. */
	public String baseUrl() {
		String url = this.publicBaseUrl.toString();
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	/** Where the IdP sends the browser after logout: the SPA's root. */
	public String postLogoutRedirectUri() {
		return baseUrl() + "/";
	}

	public boolean isHttps() {
		return "https".equalsIgnoreCase(this.publicBaseUrl.getScheme());
	}

	/**
	 * Whether browsers treat the origin as a secure context, so keep {@code Secure}
	 * cookies it sets: https, or http on loopback.
	 */
	public boolean isSecureContext() {
		String host = String.valueOf(this.publicBaseUrl.getHost()).toLowerCase(Locale.ROOT);
		return isHttps() || LOOPBACK_HOSTS.contains(host);
	}

}

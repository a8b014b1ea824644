package dev.porter.gateway.bff;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

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

	private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

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
		return isHttps() || isLoopback(String.valueOf(this.publicBaseUrl.getHost()));
	}

	/**
	 * Loopback as the W3C Secure Contexts spec has browsers trust it: {@code localhost}
	 * and the names under {@code .localhost} (a trailing dot allowed), 127.0.0.0/8, ::1.
	 */
	private static boolean isLoopback(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		if (name.endsWith(".")) {
			name = name.substring(0, name.length() - 1);
		}
		return name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
				|| LOOPBACK_V4.matcher(name).matches();
	}

}

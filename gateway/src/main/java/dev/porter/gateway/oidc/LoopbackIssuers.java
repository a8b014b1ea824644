package dev.porter.gateway.oidc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Whether an issuer is on this machine's loopback, where dev-idp (or a local Keycloak)
 * runs: the development defaults this repository prints (dev-idp's client, compose's
 * session key) apply only there.
 */
public final class LoopbackIssuers {

	private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

	private LoopbackIssuers() {
	}

	/**
	 * By name or literal only: resolving the host here would make start-up depend on DNS,
	 * and a name that DNS points at 127.0.0.1 is no loopback.
	 * @param issuer the issuer as configured
	 * @return whether its host is {@code localhost}, a name under {@code .localhost},
	 * 127.0.0.0/8 or ::1
	 */
	public static boolean onLoopback(String issuer) {
		String host;
		try {
			host = Objects.requireNonNullElse(new URI(issuer).getHost(), "").toLowerCase(Locale.ROOT);
		}
		catch (URISyntaxException ex) {
			return false;
		}
		return host.equals("localhost") || host.endsWith(".localhost") || IPV4_LOOPBACK.matcher(host).matches()
				|| host.equals("[::1]") || host.equals("::1");
	}

}

package dev.porter.gateway.logout;

import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * RP-initiated logout.
 *
 * @param idTokenHint {@code LOGOUT_ID_TOKEN_HINT} as set: {@code true}, {@code false}, or
 * blank (unset) for the gateway's choice by the IdP ({@link LogoutHint})
 */
@Validated
@ConfigurationProperties("porter.logout")
public record LogoutProperties(@DefaultValue("") String idTokenHint) {

	public LogoutProperties {
		hintOf(idTokenHint);
	}

	/** Which hint the IdP's logout gets to name the session that ends. */
	LogoutHint hint() {
		return hintOf(this.idTokenHint);
	}

	private static LogoutHint hintOf(String setting) {
		return switch (setting.strip().toLowerCase(Locale.ROOT)) {
			case "" -> LogoutHint.BY_PROVIDER;
			case "true" -> LogoutHint.ID_TOKEN;
			case "false" -> LogoutHint.SESSION_ID;
			default -> throw new IllegalArgumentException("LOGOUT_ID_TOKEN_HINT must be true, false, or unset "
					+ "(the ID token to every IdP but Auth0), not '" + setting + "'");
		};
	}

}

package dev.porter.gateway.logout;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * RP-initiated logout.
 *
 * @param idTokenHint send the ID token as {@code id_token_hint} (the OIDC default); when
 * false, send the IdP session id as {@code logout_hint} with {@code client_id} instead
 * (Auth0 accepts either without a consent prompt), so no token ever appears in a URL the
 * browser sees
 */
@Validated
@ConfigurationProperties("porter.logout")
public record LogoutProperties(@DefaultValue("true") boolean idTokenHint) {
}

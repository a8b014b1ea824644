package dev.porter.gateway.logout;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * RP-initiated logout.
 *
 * @param idTokenHint always send the ID token as {@code id_token_hint}, for an IdP that
 * does not accept {@code logout_hint}. By default (false) the IdP session id goes as
 * {@code logout_hint} with {@code client_id} (Auth0 ends the session without a consent
 * prompt for either), so the ID token — a signed record of the user's identity — stays
 * out of URLs the browser keeps in its history and sends in {@code Referer}; only an ID
 * token without {@code sid} is sent, as nothing else identifies the session then.
 */
@Validated
@ConfigurationProperties("porter.logout")
public record LogoutProperties(@DefaultValue("false") boolean idTokenHint) {
}

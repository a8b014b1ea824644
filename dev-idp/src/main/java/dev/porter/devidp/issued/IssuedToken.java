package dev.porter.devidp.issued;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One set of tokens handed to a client: what a test scans browser-visible traffic for.
 *
 * @param clientId the client the tokens were issued to
 * @param subject the user (or client) they were issued for
 * @param sid the IdP session id carried by the ID token, when there is one
 */
public record IssuedToken(@JsonProperty("client_id") String clientId, String subject, @Nullable String sid,
		@JsonProperty("access_token") @Nullable String accessToken,
		@JsonProperty("refresh_token") @Nullable String refreshToken,
		@JsonProperty("id_token") @Nullable String idToken) {

}

package dev.porter.e2e.agents;

import org.jspecify.annotations.Nullable;

/** What dev-idp's token endpoint returned for a user login. */
public record Tokens(String accessToken, @Nullable String refreshToken, String idToken) {

}

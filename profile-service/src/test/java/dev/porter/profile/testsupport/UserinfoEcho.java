package dev.porter.profile.testsupport;

import java.text.ParseException;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.nimbusds.jwt.SignedJWT;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

/**
 * A {@code /userinfo} stub for many users at once: answers the {@code sub} of the bearer
 * token it is called with, as the real endpoint does, without one stub per user.
 */
public final class UserinfoEcho implements ResponseDefinitionTransformerV2 {

	public static final String NAME = "userinfo-echo";

	@Override
	public ResponseDefinition transform(ServeEvent serveEvent) {
		String authorization = serveEvent.getRequest().getHeader("Authorization");
		try {
			String sub = SignedJWT.parse(authorization.substring("Bearer ".length())).getJWTClaimsSet().getSubject();
			return okJson("{\"sub\":\"" + sub + "\",\"name\":\"" + sub + "\"}").build();
		}
		catch (ParseException | RuntimeException ex) {
			return ResponseDefinition.notAuthorised();
		}
	}

	@Override
	public boolean applyGlobally() {
		return false;
	}

	@Override
	public String getName() {
		return NAME;
	}

}

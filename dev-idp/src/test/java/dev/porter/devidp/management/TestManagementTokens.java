package dev.porter.devidp.management;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.sun.net.httpserver.HttpServer;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Test-only stand-in for the authorization-server half: an RSA key, its JWKS served on a
 * free loopback port (which becomes the issuer), and Management API tokens signed with
 * it. The production decoder fetches this JWKS exactly as it fetches dev-idp's own.
 */
final class TestManagementTokens {

	static final String M2M_SUBJECT = "porter-profile@clients";

	private static final RSAKey KEY = newKey("test-key");

	private static final RSAKey OTHER_KEY = newKey("test-key");

	private static final String ISSUER = startJwksServer();

	private TestManagementTokens() {
	}

	static String issuer() {
		return ISSUER;
	}

	static String audience() {
		return ISSUER + "api/v2/";
	}

	/** Points dev-idp's issuer (and so its JWKS URI and Management audience) here. */
	static void register(DynamicPropertyRegistry registry) {
		registry.add("porter.dev-idp.issuer", TestManagementTokens::issuer);
	}

	/** An M2M token for the Management API with these scopes. */
	static String withScopes(String... scopes) {
		return token((claims) -> claims.claim("scope", String.join(" ", scopes)));
	}

	/** A token with the usual claims, changed by {@code customizer}. */
	static String token(Consumer<JwtClaimsSet.Builder> customizer) {
		return sign(KEY, customizer);
	}

	/** A token whose signature this issuer's JWKS cannot verify. */
	static String signedByAnotherKey(String... scopes) {
		return sign(OTHER_KEY, (claims) -> claims.claim("scope", String.join(" ", scopes)));
	}

	private static String sign(RSAKey key, Consumer<JwtClaimsSet.Builder> customizer) {
		Instant now = Instant.now();
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(M2M_SUBJECT)
			.audience(List.of(audience()))
			.issuedAt(now)
			.expiresAt(now.plusSeconds(300))
			.claim("azp", "porter-profile")
			.claim("gty", "client-credentials");
		customizer.accept(claims);
		var encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).type("JWT").build();
		return encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
	}

	private static RSAKey newKey(String keyId) {
		try {
			return new RSAKeyGenerator(2048).keyID(keyId).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String startJwksServer() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			byte[] jwks = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
			server.createContext("/.well-known/jwks.json", (exchange) -> {
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, jwks.length);
				try (OutputStream body = exchange.getResponseBody()) {
					body.write(jwks);
				}
			});
			server.start();
			// The JDK server's dispatcher thread is not a daemon: stop it with the JVM.
			Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
			return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

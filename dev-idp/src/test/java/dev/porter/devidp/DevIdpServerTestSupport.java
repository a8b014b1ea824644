package dev.porter.devidp;

import java.time.Duration;

import dev.porter.devidp.backchannel.LogoutReceiver;
import dev.porter.testsupport.FreePorts;
import dev.porter.testsupport.ShiftableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base for tests that drive a running dev-idp over HTTP. Tokens carry the issuer, so it
 * must name the port the server really listens on; a free port is therefore chosen once
 * per JVM and used for both (with another for the management port), and every subclass
 * shares one Spring context. Both come from {@link FreePorts}, below the range the kernel
 * hands out to other programs' connections, which could otherwise take one before the
 * server binds it. dev-idp's clock is a {@link ShiftableClock}, put back after each test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT)
@Import(ShiftableDevIdpClock.class)
public abstract class DevIdpServerTestSupport {

	/** The port this JVM's dev-idp listens on. */
	public static final int PORT = FreePorts.next();

	/**
	 * The port of this JVM's management server (actuator): never the fixed default, which
	 * another dev-idp on this machine may hold.
	 */
	public static final int MANAGEMENT_PORT = FreePorts.next();

	/** The issuer, with its trailing slash, as tokens and discovery carry it. */
	public static final String ISSUER = "http://localhost:" + PORT + "/";

	/**
	 * Access-token lifetime of the test server: not the default, so that tests can see
	 * that {@code DEV_IDP_ACCESS_TOKEN_TTL} is applied, and long enough for a slow run.
	 */
	public static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(10);

	/**
	 * Where dev-idp delivers back-channel logout tokens in tests: every seeded
	 * back-channel URL, re-pointed at this port (as compose re-points them at the
	 * gateway's container). The JVM's one {@link LogoutReceiver} holds it from the start:
	 * a delivery fails unless a test has opened the receiver, and is logged and changes
	 * nothing else.
	 */
	public static final int BACKCHANNEL_PORT = LogoutReceiver.port();

	/**
	 * How long dev-idp waits for a back-channel receiver in tests: far longer than any
	 * test holds a receiver's answer, so that only a logout that waited for the receiver
	 * could see its delivery time out.
	 */
	public static final Duration BACKCHANNEL_TIMEOUT = Duration.ofSeconds(30);

	private static @Nullable JwtDecoder decoder;

	/** The clock dev-idp dates and checks its tokens on. */
	@Autowired
	protected ShiftableClock devIdpClock;

	/**
	 * A decoder built as a resource server builds it from {@code issuer-uri} alone
	 * (discovery, then JWKS); created on first use, once the server is up.
	 */
	protected static synchronized JwtDecoder issuerDecoder() {
		if (decoder == null) {
			decoder = JwtDecoders.fromIssuerLocation(ISSUER);
		}
		return decoder;
	}

	@AfterEach
	void resetDevIdpClock() {
		this.devIdpClock.reset();
	}

	@DynamicPropertySource
	static void serverOnFreePort(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("management.server.port", () -> MANAGEMENT_PORT);
		registry.add("porter.dev-idp.issuer", () -> ISSUER);
		registry.add("porter.dev-idp.access-token-ttl", ACCESS_TOKEN_TTL::toString);
		registry.add("porter.backchannel-logout.base", () -> "http://localhost:" + BACKCHANNEL_PORT);
		registry.add("porter.backchannel-logout.timeout", BACKCHANNEL_TIMEOUT::toString);
	}

}

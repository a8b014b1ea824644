package dev.porter.gateway.forwarded;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;

import dev.porter.gateway.support.MovableClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@ExtendWith(OutputCaptureExtension.class)
class TrustedForwardedHeaderTransformerTests {

	private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

	private final TrustedForwardedHeaderTransformer transformer = transformer(ProxyHeaders.X_FORWARDED);

	@Test
	void applyWhenPeerUntrustedThenForwardedHeadersRemovedAndPeerIsClient() {
		ServerHttpRequest request = this.transformer.apply(from("198.51.100.7").header("X-Forwarded-For", "203.0.113.1")
			.header("X-Forwarded-Host", "evil.example")
			.header("Forwarded", "for=203.0.113.1")
			.build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("198.51.100.7");
		assertThat(request.getHeaders().containsHeader("X-Forwarded-For")).isFalse();
		assertThat(request.getHeaders().containsHeader("X-Forwarded-Host")).isFalse();
		assertThat(request.getHeaders().containsHeader("Forwarded")).isFalse();
		assertThat(request.getURI().getHost()).isEqualTo("gateway.example");
	}

	@Test
	void applyWhenPeerTrustedThenClientIsNearestUntrustedHopNotTheClientWrittenOne() {
		// the client wrote 1.1.1.1 itself; the proxy 10.0.0.2 appended the real peer
		ServerHttpRequest request = this.transformer
			.apply(from("10.0.0.1").header("X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.0.0.2")
				.header("X-Forwarded-Proto", "https")
				.build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.9");
		assertThat(request.getURI().getScheme()).isEqualTo("https");
	}

	// nginx ($proxy_add_x_forwarded_for), AWS ALB, ingress-nginx append to
	// X-Forwarded-For
	// and pass a client's own Forwarded header on untouched: believing it would let the
	// client choose its address (its login rate-limit key), scheme and host.
	@Test
	void applyWhenProxyWritesXForwardedThenTheClientsOwnForwardedHeaderIsIgnored() {
		ServerHttpRequest request = this.transformer
			.apply(from("10.0.0.1").header("Forwarded", "for=198.51.100.77;host=evil.example;proto=http")
				.header("X-Forwarded-For", "203.0.113.9")
				.header("X-Forwarded-Proto", "https")
				.build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.9");
		assertThat(request.getURI().getHost()).isEqualTo("gateway.example");
		assertThat(request.getURI().getScheme()).isEqualTo("https");
		assertThat(request.getHeaders().containsHeader("Forwarded")).isFalse();
	}

	@Test
	void applyWhenProxyWritesForwardedThenTheClientsOwnXForwardedHeadersAreIgnored() {
		ServerHttpRequest request = transformer(ProxyHeaders.FORWARDED)
			.apply(from("10.0.0.1").header("X-Forwarded-For", "198.51.100.77")
				.header("X-Forwarded-Host", "evil.example")
				.header("Forwarded", "for=203.0.113.9;proto=https")
				.build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.9");
		assertThat(request.getURI().getHost()).isEqualTo("gateway.example");
		assertThat(request.getHeaders().containsHeader("X-Forwarded-For")).isFalse();
	}

	@Test
	void applyWhenPeerTrustedAndForwardedHeaderThenItsForChainIsUsed() {
		ServerHttpRequest request = transformer(ProxyHeaders.FORWARDED).apply(
				from("10.1.2.3").header("Forwarded", "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.9").build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
	}

	@Test
	void applyWhenEveryHopTrustedThenLeftMostHop() {
		ServerHttpRequest request = this.transformer
			.apply(from("10.0.0.1").header("X-Forwarded-For", "10.9.9.9, 10.0.0.2").build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("10.9.9.9");
	}

	@Test
	void applyWhenHopIsAHostNameThenWalkStopsAtTheProxyWithoutDnsLookup() {
		ServerHttpRequest request = this.transformer
			.apply(from("10.0.0.1").header("X-Forwarded-For", "203.0.113.9, localhost").build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("10.0.0.1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "ab.cd.beef.cafe", "999.1.1.1", "1.2.3.4.5", "dead::beef::1", "[1.2.3.4]x" })
	void literalWhenTextOnlyLooksLikeAnAddressThenNoneAndNoLookup(String text) {
		// Hex-only names are real DNS names (".cafe" is a TLD): resolving them would
		// block an event loop and could name a trusted proxy.
		assertThat(Cidr.literal(text)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "203.0.113.9", "[2001:db8::1]", "2001:db8::1", "::ffff:10.0.0.1" })
	void literalWhenIpLiteralThenAddress(String text) {
		assertThat(Cidr.literal(text)).isNotNull();
	}

	@Test
	void applyWhenNoProxiesConfiguredThenEveryPeerUntrusted() {
		TrustedForwardedHeaderTransformer none = new TrustedForwardedHeaderTransformer(
				new ForwardedProperties(List.of(), ProxyHeaders.X_FORWARDED).trusted(), ProxyHeaders.X_FORWARDED,
				new UntrustedProxyLog(this.clock));

		ServerHttpRequest request = none.apply(from("127.0.0.1").header("X-Forwarded-For", "203.0.113.1").build());

		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(request.getHeaders().containsHeader("X-Forwarded-For")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "proxy.internal", "10.0.0.0/33", "10.0.0/8", "not a cidr" })
	void trustedWhenEntryIsNotAnAddressOrCidrThenInvalid(String entry) {
		ForwardedProperties properties = new ForwardedProperties(List.of(entry), ProxyHeaders.X_FORWARDED);

		assertThat(properties.isTrustedProxiesValid()).isFalse();
		assertThatIllegalArgumentException().isThrownBy(properties::trusted);
	}

	@Test
	void cidrWhenPrefixNotOnByteBoundaryThenMatchesOnlyInsideBlock() {
		Cidr block = Cidr.parse("192.168.4.0/22");

		assertThat(block.contains(Cidr.literal("192.168.7.255"))).isTrue();
		assertThat(block.contains(Cidr.literal("192.168.8.0"))).isFalse();
		assertThat(block.contains(Cidr.literal("fd00::1"))).isFalse();
	}

	/**
	 * A forwarding header that Spring cannot read (a port that is no number, a host or
	 * scheme no URI holds) failed the transformer, which WebFlux answers with an empty
	 * {@code 400} before any filter, metric or log above DEBUG. The request now goes on
	 * without its forwarding headers, from the peer, refused
	 * ({@link ForwardedHeaderRefusal}) by the header's name; so does one whose host would
	 * have changed the path.
	 */
	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource(delimiter = '|',
			value = { "X_FORWARDED|X-Forwarded-Port|abc", "X_FORWARDED|X-Forwarded-Port|99999999999",
					"X_FORWARDED|X-Forwarded-Port|-5", "X_FORWARDED|X-Forwarded-Host|evil host",
					"X_FORWARDED|X-Forwarded-Host|h:abc", "X_FORWARDED|X-Forwarded-Host|[::1",
					"X_FORWARDED|X-Forwarded-Host|%zz", "X_FORWARDED|X-Forwarded-Host|gateway.example/bff/logout",
					"X_FORWARDED|X-Forwarded-Host|gateway.example?x=1", "X_FORWARDED|X-Forwarded-Proto|1x",
					"X_FORWARDED|X-Forwarded-Prefix|/a b", "X_FORWARDED|X-Forwarded-For|','",
					"FORWARDED|Forwarded|host=\"a b\"", "FORWARDED|Forwarded|proto=1x", "FORWARDED|Forwarded|for=a:b",
					"FORWARDED|Forwarded|host=gateway.example/bff/logout" })
	void applyWhenTrustedProxyPassesAMalformedHeaderThenRefusedNamingItFromThePeer(ProxyHeaders family, String header,
			String value) {
		ServerHttpRequest request = transformer(family).apply(from("10.0.0.1").header(header, value).build());

		assertThat(ForwardedHeaderRefusal.header(request)).isEqualTo(header);
		assertThat(request.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("10.0.0.1");
		assertThat(request.getURI().toString()).isEqualTo("http://gateway.example/bff/login");
		assertThat(request.getHeaders().containsHeader(header)).isFalse();
	}

	@Test
	void applyWhenTrustedProxyHeadersReadThenNotRefused() {
		ServerHttpRequest request = this.transformer.apply(from("10.0.0.1").header("X-Forwarded-For", "203.0.113.9")
			.header("X-Forwarded-Host", "porter.example:8443")
			.header("X-Forwarded-Proto", "https")
			.header("X-Forwarded-Prefix", "/porter")
			.build());

		assertThat(ForwardedHeaderRefusal.header(request)).isNull();
		assertThat(request.getURI().toString()).isEqualTo("https://porter.example:8443/porter/bff/login");
	}

	// Spring's rebuilt URI drops empty pairs and groups repeated names on its own: such
	// queries, sent through the proxy, were refused as if the headers were malformed.
	@ParameterizedTest
	@ValueSource(strings = { "", "returnTo=/x&", "a=1&&b=2", "&a=1", "=x", "a=1&b=2&a=3", "a=%20b+c" })
	void applyWhenTrustedProxyHeadersReadAndTheQueryIsUnusualThenNotRefusedAndTheQueryKept(String query) {
		ServerHttpRequest request = this.transformer
			// the URI as Reactor Netty builds it from the request line: the mock's URI
			// template would rebuild the query itself
			.apply(MockServerHttpRequest.method(HttpMethod.GET, URI.create("http://gateway.example/bff/login?" + query))
				.remoteAddress(new InetSocketAddress("10.0.0.1", 40000))
				.header("X-Forwarded-For", "203.0.113.9")
				.header("X-Forwarded-Host", "porter.example")
				.header("X-Forwarded-Proto", "https")
				.build());

		assertThat(ForwardedHeaderRefusal.header(request)).isNull();
		assertThat(request.getURI().getHost()).isEqualTo("porter.example");
		assertThat(request.getURI().getRawQuery()).isEqualTo(query);
	}

	// OPTIONS * through a proxy that passes the target on: Java reads no host in the
	// URI Spring builds for it, and rebuilding it threw out of the transformer (an empty
	// 400 without a problem).
	@Test
	void applyWhenTheRequestsUriHasNoHostThenRefusedNotThrown() {
		ServerHttpRequest request = this.transformer
			.apply(MockServerHttpRequest.method(HttpMethod.OPTIONS, URI.create("http://gw:8080*"))
				.remoteAddress(new InetSocketAddress("10.0.0.1", 40000))
				.header("X-Forwarded-Host", "porter.example")
				.build());

		assertThat(ForwardedHeaderRefusal.header(request)).isEqualTo("X-Forwarded-Host");
	}

	// A Host Java reads no host in (an underscore), no X-Forwarded-Host: Spring's URI has
	// no authority, and the query must still be the client's.
	@Test
	void applyWhenTheUriHasNoAuthorityThenTheQueryIsStillTheClients() {
		ServerHttpRequest request = this.transformer
			.apply(MockServerHttpRequest.method(HttpMethod.GET, URI.create("http://a_b/bff/login?x=1&&y=2"))
				.remoteAddress(new InetSocketAddress("10.0.0.1", 40000))
				.header("X-Forwarded-For", "203.0.113.9")
				.header("X-Forwarded-Proto", "https")
				.build());

		assertThat(ForwardedHeaderRefusal.header(request)).isNull();
		assertThat(request.getURI().getRawQuery()).isEqualTo("x=1&&y=2");
	}

	// Behind a load balancer not in TRUSTED_PROXIES every visitor's login counted
	// against the balancer's one address, and users met 429s with nothing logged: the
	// headers were dropped in silence.
	@ParameterizedTest
	@ValueSource(strings = { "192.168.1.5", "172.16.0.3", "127.0.0.1", "169.254.1.1", "100.64.0.7", "fc12::1",
			"fe80::1", "::1" })
	void applyWhenAPrivatePeerNotTrustedSendsForwardingHeadersThenWarningNamesItAndTrustedProxies(String peer,
			CapturedOutput output) {
		this.transformer.apply(from(peer).header("X-Forwarded-For", "203.0.113.1, Zq9")
			.header("X-Forwarded-Proto", "https")
			.header("X-Zq8", "x")
			.build());

		assertThat(warnings(output)).singleElement()
			.satisfies((line) -> assertThat(line)
				.contains("WARN", Cidr.literal(peer).getHostAddress(), "TRUSTED_PROXIES", "X-Forwarded-For",
						"X-Forwarded-Proto")
				.doesNotContain("Zq9", "Zq8", "203.0.113.1", "https"));
	}

	// Anyone on the internet can send X-Forwarded-For; only a private peer is likely a
	// proxy of the operator's own. A trusted one's headers are believed.
	@ParameterizedTest
	@ValueSource(strings = { "198.51.100.7", "2001:db8::7", "10.0.0.1", "fd00::1" })
	void applyWhenThePeerIsPublicOrTrustedThenNoWarning(String peer, CapturedOutput output) {
		this.transformer.apply(from(peer).header("X-Forwarded-For", "203.0.113.1").build());

		assertThat(warnings(output)).isEmpty();
	}

	@Test
	void applyWhenAPrivatePeerKeepsSendingThemThenOneWarningPerIntervalWithACount(CapturedOutput output) {
		for (int i = 0; i < 4; i++) {
			this.transformer.apply(from("192.168.1.5").header("Forwarded", "for=203.0.113.1").build());
		}
		assertThat(warnings(output)).hasSize(1);

		this.clock.advance(UntrustedProxyLog.INTERVAL);
		this.transformer.apply(from("192.168.1.6").header("Forwarded", "for=203.0.113.1").build());

		assertThat(warnings(output)).hasSize(2)
			.last()
			.asString()
			.contains("192.168.1.6", "Forwarded", "4 such requests");
	}

	@Test
	void applyWhenAPrivatePeerSendsNoForwardingHeadersThenNoWarning(CapturedOutput output) {
		this.transformer.apply(from("192.168.1.5").header("X-Request-Id", "r").build());

		assertThat(warnings(output)).isEmpty();
	}

	private static List<String> warnings(CapturedOutput output) {
		return output.getOut().lines().filter((line) -> line.contains("TRUSTED_PROXIES")).toList();
	}

	private TrustedForwardedHeaderTransformer transformer(ProxyHeaders headers) {
		return new TrustedForwardedHeaderTransformer(
				new ForwardedProperties(List.of("10.0.0.0/8", "fd00::/8"), headers).trusted(), headers,
				new UntrustedProxyLog(this.clock));
	}

	private static MockServerHttpRequest.BaseBuilder<?> from(String peer) {
		return MockServerHttpRequest.get("http://gateway.example/bff/login")
			.remoteAddress(new InetSocketAddress(peer, 40000));
	}

}

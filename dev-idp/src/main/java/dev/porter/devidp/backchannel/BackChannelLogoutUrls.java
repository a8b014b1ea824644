package dev.porter.devidp.backchannel;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.porter.devidp.config.LoopbackNames;
import dev.porter.devidp.seed.Seed;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * Where each seeded client's logout tokens go: its seeded
 * {@code backchannel_logout_urls}, each moved to the configured base origin when there is
 * one; without a base, only those on loopback. Fixed at start-up from configuration,
 * never from a request, so that nobody can make dev-idp post to an address of their
 * choosing.
 */
final class BackChannelLogoutUrls {

	private static final Logger log = LoggerFactory.getLogger(BackChannelLogoutUrls.class);

	private final Map<String, List<URI>> byClient;

	BackChannelLogoutUrls(Seed seed, @Nullable URI base) {
		this.byClient = seed.clients()
			.stream()
			.collect(Collectors.toUnmodifiableMap(Seed.Client::clientId, (client) -> urls(client, base)));
	}

	/** The client's back-channel logout URLs; empty when it has none. */
	List<URI> of(String clientId) {
		return this.byClient.getOrDefault(clientId, List.of());
	}

	private static List<URI> urls(Seed.Client client, @Nullable URI base) {
		return Objects.requireNonNullElse(client.backchannelLogoutUrls(), List.<String>of())
			.stream()
			.map(URI::create)
			.map((url) -> (base != null) ? onBase(url, base) : url)
			.filter((url) -> base != null || onLoopback(client, url))
			.toList();
	}

	private static URI onBase(URI url, URI base) {
		return UriComponentsBuilder.fromUri(url)
			.scheme(base.getScheme())
			.host(base.getHost())
			.port(base.getPort())
			.build(true)
			.toUri();
	}

	private static boolean onLoopback(Seed.Client client, URI url) {
		if (LoopbackNames.isLoopbackHost(url.getHost())) {
			return true;
		}
		log.warn("back-channel logout URL not on loopback, never called client={} url={}; "
				+ "set DEV_IDP_BACKCHANNEL_LOGOUT_BASE to re-point it", client.clientId(), url);
		return false;
	}

}

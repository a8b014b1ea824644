package dev.porter.gateway.config;

import java.util.ArrayList;
import java.util.List;

import dev.porter.gateway.routing.RelayedPaths;
import reactor.core.publisher.Mono;

import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Spring Security's {@link WebFilterChainProxy}, with its choice of chain made at once
 * for the relayed paths. The proxy asks the chains' matchers in turn through a
 * {@code Flux} and collects the chosen chain's filters into a new list: a dozen reactive
 * operators on every request (docs/benchmarks.md), for an answer that is known here
 * without asking. The relay chain is the first chain and matches exactly the
 * {@link RelayedPaths} ({@code SecurityConfiguration}); a relayed request gets the same
 * firewall, the same answer when the firewall refuses it, and then the relay chain's
 * filters in their order, as the proxy would give it. Every other request goes to the
 * proxy.
 */
final class RelayFirstSecurityChains implements WebFilter {

	private final WebFilterChainProxy proxy;

	private final List<WebFilter> relayFilters;

	private final ServerWebExchangeFirewall firewall;

	private final ServerExchangeRejectedHandler rejected;

	/**
	 * @param proxy the proxy, for every request that is not relayed
	 * @param relayChain the proxy's first chain, the one for the relayed paths
	 * @param firewall the proxy's firewall
	 * @param rejected the proxy's answer to a request its firewall refuses
	 */
	RelayFirstSecurityChains(WebFilterChainProxy proxy, SecurityWebFilterChain relayChain,
			ServerWebExchangeFirewall firewall, ServerExchangeRejectedHandler rejected) {
		this.proxy = proxy;
		// A chain's filters are fixed when it is built, and Spring's chain lists them as
		// soon as asked; the proxy asks for them on every request.
		List<WebFilter> listed = new ArrayList<>();
		relayChain.getWebFilters().doOnNext(listed::add).subscribe();
		if (listed.isEmpty()) {
			throw new IllegalStateException("The relay chain must list its filters when asked");
		}
		this.relayFilters = List.copyOf(listed);
		this.firewall = firewall;
		this.rejected = rejected;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!RelayedPaths.matches(exchange)) {
			return this.proxy.filter(exchange, chain);
		}
		return this.firewall.getFirewalledExchange(exchange)
			.flatMap((firewalled) -> PlainWebFilterChain.of(this.relayFilters, chain).filter(firewalled))
			.onErrorResume(ServerExchangeRejectedException.class,
					(refused) -> this.rejected.handle(exchange, refused).then(Mono.empty()));
	}

}

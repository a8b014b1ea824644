package dev.porter.gateway.config;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The SPA's page ({@code index.html} of the static locations) at {@code /}, for
 * {@code GET} and {@code HEAD} whatever the {@code Accept} header names. Boot's welcome
 * page answers only a {@code GET} accepting {@code text/html}: a {@code HEAD} (a load
 * balancer's or CDN's health probe, {@code curl -I}) or a {@code GET} asking for JSON
 * fell through to the static files and got {@code 404}, and a probe took the gateway for
 * down. One representation, so {@code Accept} is disregarded (RFC 9110, 12.5.1), and the
 * answer is the one Boot's gave: the page as a resource, with the gateway's headers.
 */
@Configuration(proxyBeanMethods = false)
class SpaPageConfiguration {

	@Bean
	RouterFunction<ServerResponse> spaPage(WebProperties web, ResourceLoader resources) {
		Resource page = page(web.getResources().getStaticLocations(), resources);
		if (page == null) {
			return (request) -> Mono.empty();
		}
		return RouterFunctions.route(RequestPredicates.GET("/").or(RequestPredicates.HEAD("/")),
				(request) -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(page));
	}

	/** The SPA's page and files need no session: see {@link SpaFilesWithoutSession}. */
	@Bean
	SpaFilesWithoutSession spaFilesWithoutSession(WebProperties web, ResourceLoader resources) {
		return SpaFilesWithoutSession.in(web.getResources().getStaticLocations(), resources);
	}

	/** The first readable {@code index.html}, in the order Boot looks for it. */
	private static @Nullable Resource page(String[] locations, ResourceLoader resources) {
		return Arrays.stream(locations)
			.map((location) -> resources.getResource(location + "index.html"))
			.filter(Resource::isReadable)
			.findFirst()
			.orElse(null);
	}

}

package dev.porter.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

import dev.porter.gateway.session.WithoutSession;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Serves the SPA's page ({@code /}) and the files of the static locations without the
 * request's session ({@link WithoutSession}): they need none, and reading it made them
 * fail with the session store (the SPA's page, also where a "Sign in" the gateway cannot
 * start lands, answered Redis's {@code 503} as raw JSON to a browser that held a session
 * cookie). The session's use is counted, and its cookies renewed or expired, by the
 * {@code /bff/session} the page asks for at once. The files are those found as the
 * gateway starts, by path: a file added later, or whose name a browser sends
 * percent-encoded, is served as before, with the session read. First of all filters,
 * before anything resolves the session.
 */
final class SpaFilesWithoutSession implements WebFilter, Ordered {

	private final Set<String> paths;

	private SpaFilesWithoutSession(Set<String> paths) {
		this.paths = paths;
	}

	/** {@code /} and the files under {@code locations} (Boot's static locations). */
	static SpaFilesWithoutSession in(String[] locations, ResourceLoader loader) {
		ResourcePatternResolver resolver = ResourcePatternUtils.getResourcePatternResolver(loader);
		Set<String> paths = new HashSet<>();
		paths.add("/");
		for (String location : locations) {
			paths.addAll(files(resolver, location));
		}
		return new SpaFilesWithoutSession(Set.copyOf(paths));
	}

	/** The paths of the files under {@code location}, as the browser asks for them. */
	private static Set<String> files(ResourcePatternResolver resolver, String location) {
		try {
			Resource root = resolver.getResource(location);
			if (!root.exists()) {
				return Set.of();
			}
			String rootUrl = root.getURL().toString();
			Set<String> paths = new HashSet<>();
			for (Resource file : resolver.getResources(location + "**")) {
				String url = file.getURL().toString();
				if (file.isReadable() && url.startsWith(rootUrl) && url.length() > rootUrl.length()) {
					paths.add("/" + url.substring(rootUrl.length()));
				}
			}
			return paths;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the static files under " + location + " cannot be listed", ex);
		}
	}

	/** Whether {@code path} is the SPA's page or one of its files. */
	private boolean serves(String path) {
		return this.paths.contains(path);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		HttpMethod method = exchange.getRequest().getMethod();
		if ((HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
				&& serves(exchange.getRequest().getPath().pathWithinApplication().value())) {
			WithoutSession.serve(exchange);
		}
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

package dev.porter.gateway.session;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

/**
 * The session cookie: an opaque id only, {@code HttpOnly}, {@code SameSite=Lax},
 * {@code Path=/}. Both Boot's in-memory session manager and Spring Session's Redis one
 * pick this resolver up.
 */
@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

	@Bean
	WebSessionIdResolver webSessionIdResolver(SessionProperties properties) {
		CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
		resolver.setCookieName(properties.cookieName());
		// The cookie lives as long as the browser; the server ends the session (idle and
		// absolute limits).
		resolver.addCookieInitializer(
				(cookie) -> cookie.httpOnly(true).secure(properties.cookieSecure()).sameSite("Lax").path("/"));
		return resolver;
	}

}

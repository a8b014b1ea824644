package dev.porter.gateway.login;

import com.github.benmanes.caffeine.cache.Cache;
import dev.porter.gateway.cache.Caches;
import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.session.LoginAuthentication;
import dev.porter.gateway.session.LoginUser;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keeps the login in the session as a compact {@link LoginUser} instead of Spring
 * Security's whole context, and rebuilds the context from it at most once per request,
 * around an authentication built once per login. Like Spring Security's session
 * repository, saving a login changes the session id (no session fixation across the
 * login).
 */
class SessionSecurityContextRepository implements ServerSecurityContextRepository {

	private static final String REBUILT = SessionSecurityContextRepository.class.getName() + ".CONTEXT";

	/**
	 * The authentication built for each login still held by a session: a session's
	 * requests share it instead of rebuilding the OIDC user on every request (a few
	 * percent of a relayed request's CPU). Keyed by the very {@code LoginUser} object the
	 * session holds (weak keys compare by identity), so a new login is a new entry, and
	 * an entry goes when no session holds its login any more.
	 */
	private final Cache<LoginUser, LoginAuthentication> authentications = Caches.newBuilder().weakKeys().build();

	/**
	 * A login gets a new session id; a login that goes keeps it. It goes at logout
	 * (Spring Security's handler saves no context), whose session is invalidated right
	 * after: a new id would first write the ended session back to the store under that
	 * id, where a full Redis refuses it, and the browser was answered an error instead of
	 * the IdP's logout.
	 */
	@Override
	public Mono<Void> save(ServerWebExchange exchange, @Nullable SecurityContext context) {
		LoginUser user = loginUser(context);
		return exchange.getSession().flatMap((session) -> {
			exchange.getAttributes().remove(REBUILT);
			if (user == null) {
				session.getAttributes().remove(LoginUser.ATTRIBUTE);
				return Mono.empty();
			}
			session.getAttributes().put(LoginUser.ATTRIBUTE, user);
			return session.changeSessionId();
		});
	}

	@Override
	public Mono<SecurityContext> load(ServerWebExchange exchange) {
		if (exchange.getAttribute(REBUILT) instanceof SecurityContext rebuilt) {
			return Mono.just(rebuilt);
		}
		return exchange.getSession().mapNotNull(LoginUser::in).map((user) -> {
			SecurityContext context = new SecurityContextImpl(this.authentications.get(user,
					(login) -> login.toAuthentication(DiscoveredClientRegistrationRepository.REGISTRATION_ID)));
			exchange.getAttributes().put(REBUILT, context);
			return context;
		});
	}

	private static @Nullable LoginUser loginUser(@Nullable SecurityContext context) {
		if (context != null && context.getAuthentication() instanceof OAuth2AuthenticationToken token
				&& token.getPrincipal() instanceof OidcUser user) {
			return LoginUser.of(user);
		}
		return null;
	}

}

package dev.porter.gateway.login;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The relayed API's authorization: a request passes on only with a login. It decides and
 * answers as Spring Security's {@code authorizeExchange().anyExchange().authenticated()}
 * does with the {@code ExceptionTranslationWebFilter} in front of it: no login is the
 * entry point's answer (401 problem, or the redirect for a navigation), and so is a
 * principal that is anonymous or not authenticated; an {@link AccessDeniedException} from
 * further down is the access-denied handler's. It reads the security context once, where
 * those two filters and the delegating authorization manager between them cost every
 * relayed request about twenty reactive operators (docs/benchmarks.md).
 */
final class LoginRequiredWebFilter implements WebFilter {

	private static final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

	private final ServerAuthenticationEntryPoint entryPoint;

	private final ServerAccessDeniedHandler accessDenied;

	LoginRequiredWebFilter(ServerAuthenticationEntryPoint entryPoint, ServerAccessDeniedHandler accessDenied) {
		this.entryPoint = entryPoint;
		this.accessDenied = accessDenied;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.singleOptional()
			.flatMap((principal) -> isLogin(principal) ? chain.filter(exchange)
				.onErrorResume(AccessDeniedException.class, (denied) -> this.accessDenied.handle(exchange, denied))
					: signIn(exchange, principal));
	}

	/** Authenticated, and not anonymously: what Spring's trust resolver calls so. */
	private static boolean isLogin(Optional<Authentication> principal) {
		return principal.filter(trust::isAuthenticated).isPresent();
	}

	/**
	 * Anyone not signed in, with the exception Spring's translation hands the entry
	 * point.
	 */
	private Mono<Void> signIn(ServerWebExchange exchange, Optional<Authentication> principal) {
		AuthenticationException notSignedIn = new AuthenticationCredentialsNotFoundException("Not Authenticated",
				new InsufficientAuthenticationException("Full authentication is required to access this resource"));
		principal.ifPresent(notSignedIn::setAuthenticationRequest);
		return this.entryPoint.commence(exchange, notSignedIn);
	}

}

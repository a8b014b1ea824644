package dev.porter.gateway.login;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authorization.AuthenticatedReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.AuthorizationWebFilter;
import org.springframework.security.web.server.authorization.ExceptionTranslationWebFilter;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.SecurityContextServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relayed API's login check. It replaces Spring Security's
 * {@code authorizeExchange().anyExchange().authenticated()} and the exception translation
 * in front of it, so these tests hold it to what that pair does: who gets through, who
 * meets the entry point (401) and who the access-denied handler (403), including an
 * {@link AccessDeniedException} raised further down.
 */
class LoginRequiredWebFilterTests {

	private final List<String> outcomes = new ArrayList<>();

	private final ServerAuthenticationEntryPoint entryPoint = (exchange,
			ex) -> record("entry point: " + ex.getMessage());

	private final ServerAccessDeniedHandler accessDenied = (exchange,
			ex) -> record("access denied: " + ex.getMessage());

	static Stream<Arguments> cases() {
		Stream.Builder<Arguments> cases = Stream.builder();
		for (Principal principal : Principal.values()) {
			for (Downstream downstream : Downstream.values()) {
				cases.add(Arguments.of(principal, downstream));
			}
		}
		return cases.build();
	}

	@ParameterizedTest(name = "{0}, downstream {1}")
	@MethodSource("cases")
	void filterWhenAnyPrincipalAndDownstreamThenSameOutcomeAsSpringsAuthorizationAndExceptionTranslation(
			Principal principal, Downstream downstream) {
		WebFilter spring = springsPair();
		WebFilter ours = new LoginRequiredWebFilter(this.entryPoint, this.accessDenied);

		List<String> springOutcome = run(spring, principal, downstream);
		List<String> ourOutcome = run(ours, principal, downstream);

		assertThat(ourOutcome).isEqualTo(springOutcome);
	}

	@Test
	void filterWhenNoLoginThenEntryPointAndNotPassedOn() {
		assertThat(run(new LoginRequiredWebFilter(this.entryPoint, this.accessDenied), Principal.NO_CONTEXT,
				Downstream.PASSES))
			.containsExactly("entry point: Not Authenticated");
	}

	@Test
	void filterWhenLoginThenPassedOn() {
		assertThat(
				run(new LoginRequiredWebFilter(this.entryPoint, this.accessDenied), Principal.LOGIN, Downstream.PASSES))
			.containsExactly("passed on");
	}

	@Test
	void filterWhenAnonymousThenEntryPointAndNotPassedOn() {
		assertThat(run(new LoginRequiredWebFilter(this.entryPoint, this.accessDenied), Principal.ANONYMOUS,
				Downstream.PASSES))
			.containsExactly("entry point: Not Authenticated");
	}

	@Test
	void filterWhenLoginRefusedFurtherDownThenAccessDenied() {
		assertThat(
				run(new LoginRequiredWebFilter(this.entryPoint, this.accessDenied), Principal.LOGIN, Downstream.DENIES))
			.containsExactly("passed on", "access denied: denied further down");
	}

	private List<String> run(WebFilter filter, Principal principal, Downstream downstream) {
		this.outcomes.clear();
		MockServerWebExchange mock = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
		// As Spring Security's chain hands it on: the principal read from the context.
		ServerWebExchange exchange = new SecurityContextServerWebExchange(mock,
				ReactiveSecurityContextHolder.getContext());
		Mono<Void> result = filter.filter(exchange, (passed) -> downstream.run(this));
		SecurityContext context = principal.context();
		if (context != null) {
			result = result.contextWrite(ReactiveSecurityContextHolder.withSecurityContext(Mono.just(context)));
		}
		result.onErrorResume((ex) -> record("error: " + ex.getMessage())).block();
		return List.copyOf(this.outcomes);
	}

	private WebFilter springsPair() {
		ExceptionTranslationWebFilter translation = new ExceptionTranslationWebFilter();
		translation.setAuthenticationEntryPoint(this.entryPoint);
		translation.setAccessDeniedHandler(this.accessDenied);
		AuthorizationWebFilter authorization = new AuthorizationWebFilter(
				AuthenticatedReactiveAuthorizationManager.authenticated());
		return (exchange, chain) -> translation.filter(exchange,
				(translated) -> authorization.filter(translated, chain));
	}

	private Mono<Void> record(String outcome) {
		return Mono.fromRunnable(() -> this.outcomes.add(outcome));
	}

	enum Principal {

		NO_CONTEXT(null),

		CONTEXT_WITHOUT_AUTHENTICATION(new SecurityContextImpl()),

		ANONYMOUS(new SecurityContextImpl(new AnonymousAuthenticationToken("key", "anonymous",
				AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")))),

		NOT_AUTHENTICATED(new SecurityContextImpl(new TestingAuthenticationToken("alice", "secret"))),

		LOGIN(new SecurityContextImpl(authenticated()));

		private final @Nullable SecurityContext context;

		Principal(@Nullable SecurityContext context) {
			this.context = context;
		}

		@Nullable SecurityContext context() {
			return this.context;
		}

		private static Authentication authenticated() {
			TestingAuthenticationToken login = new TestingAuthenticationToken("alice", "secret", "SCOPE_openid");
			login.setAuthenticated(true);
			return login;
		}

	}

	enum Downstream {

		PASSES {
			@Override
			Mono<Void> run(LoginRequiredWebFilterTests test) {
				return test.record("passed on");
			}
		},

		DENIES {
			@Override
			Mono<Void> run(LoginRequiredWebFilterTests test) {
				return test.record("passed on").then(Mono.error(new AccessDeniedException("denied further down")));
			}
		},

		FAILS {
			@Override
			Mono<Void> run(LoginRequiredWebFilterTests test) {
				return test.record("passed on").then(Mono.error(new IllegalStateException("upstream broke")));
			}
		};

		abstract Mono<Void> run(LoginRequiredWebFilterTests test);

	}

}

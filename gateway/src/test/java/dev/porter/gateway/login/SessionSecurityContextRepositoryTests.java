package dev.porter.gateway.login;

import java.time.Instant;

import dev.porter.gateway.session.LoginUser;
import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SessionSecurityContextRepositoryTests {

	private final SessionSecurityContextRepository repository = new SessionSecurityContextRepository();

	private final WebSession session = new InMemoryWebSessionStore().createWebSession().block();

	@Test
	void loadWhenTwoRequestsOfOneSessionThenEachItsOwnContextAroundTheSameAuthentication() {
		this.session.getAttributes().put(LoginUser.ATTRIBUTE, alice());

		SecurityContext first = load();
		SecurityContext second = load();

		assertThat(second).isNotSameAs(first);
		assertThat(second.getAuthentication()).isSameAs(first.getAuthentication());
		assertThat(first.getAuthentication().getName()).isEqualTo("auth0|alice");
		assertThat(first.getAuthentication().isAuthenticated()).isTrue();
	}

	@Test
	void loadWhenTheSessionHoldsANewLoginThenAnAuthenticationOfThatLogin() {
		this.session.getAttributes().put(LoginUser.ATTRIBUTE, alice());
		Authentication before = load().getAuthentication();

		this.session.getAttributes().put(LoginUser.ATTRIBUTE, bob());
		Authentication after = load().getAuthentication();

		assertThat(after).isNotSameAs(before);
		assertThat(after.getName()).isEqualTo("auth0|bob");
	}

	@Test
	void loadWhenNobodySignedInThenNoContext() {
		assertThat(this.repository.load(exchange()).blockOptional()).isEmpty();
	}

	/**
	 * Shared by the session's requests, so nobody may change it under another request.
	 */
	@Test
	void authenticationWhenAnyoneTriesToChangeItThenRefusedAndUnchanged() {
		this.session.getAttributes().put(LoginUser.ATTRIBUTE, alice());
		Authentication shared = load().getAuthentication();

		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> ((org.springframework.security.authentication.AbstractAuthenticationToken) shared)
				.setDetails("changed"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> shared.setAuthenticated(false));
		((org.springframework.security.core.CredentialsContainer) shared).eraseCredentials();

		assertThat(shared.getDetails()).isNull();
		assertThat(shared.isAuthenticated()).isTrue();
		assertThat(load().getAuthentication()).isSameAs(shared);
	}

	/** No session fixation across the login. */
	@Test
	void saveWhenALoginThenTheSessionHoldsItUnderANewId() {
		String before = this.session.getId();
		SecurityContext context = contextOf(alice());

		this.repository.save(exchange(), context).block();

		assertThat(this.session.getId()).isNotEqualTo(before);
		assertThat(LoginUser.in(this.session)).extracting(LoginUser::sub).isEqualTo("auth0|alice");
	}

	/**
	 * The logout's: its session is invalidated right after, and a new id would write it
	 * back to the store first (which a full Redis refuses).
	 */
	@Test
	void saveWhenNoLoginThenTheLoginGoesAndTheIdStays() {
		this.session.getAttributes().put(LoginUser.ATTRIBUTE, alice());
		String before = this.session.getId();

		this.repository.save(exchange(), null).block();

		assertThat(this.session.getId()).isEqualTo(before);
		assertThat(LoginUser.in(this.session)).isNull();
	}

	private SecurityContext contextOf(LoginUser user) {
		this.session.getAttributes().put(LoginUser.ATTRIBUTE, user);
		SecurityContext context = load();
		this.session.getAttributes().remove(LoginUser.ATTRIBUTE);
		return context;
	}

	private SecurityContext load() {
		return this.repository.load(exchange()).block();
	}

	private MockServerWebExchange exchange() {
		return MockServerWebExchange.builder(MockServerHttpRequest.get("/me")).session(this.session).build();
	}

	private static LoginUser alice() {
		return user("auth0|alice");
	}

	private static LoginUser bob() {
		return user("auth0|bob");
	}

	private static LoginUser user(String sub) {
		Instant now = Instant.parse("2026-12-02T08:00:00Z");
		return new LoginUser(sub, "sid-1", null, null, null, "header.payload.signature", now, now.plusSeconds(300));
	}

}

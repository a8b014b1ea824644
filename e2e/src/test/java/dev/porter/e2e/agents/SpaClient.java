package dev.porter.e2e.agents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import dev.porter.e2e.http.Exchange;
import dev.porter.e2e.http.UserAgent;
import dev.porter.e2e.processes.Service;

/**
 * What the SPA's scripts do against one gateway, on top of a {@link UserAgent}: sign in
 * through {@code /bff/login} and dev-idp's form, then call the API with JSON requests and
 * echo the {@code XSRF-TOKEN} cookie in {@code X-XSRF-TOKEN} on unsafe methods.
 */
public final class SpaClient {

	/**
	 * The session cookie's name on the gateways the journeys start, whose
	 * {@code PUBLIC_BASE_URL} is plain http on {@code localhost}.
	 */
	public static final String SESSION_COOKIE = "porter-session";

	private final UserAgent agent;

	private final Service gateway;

	public SpaClient(UserAgent agent, Service gateway) {
		this.agent = agent;
		this.gateway = gateway;
	}

	/**
	 * Signs in as a browser would: {@code /bff/login} → dev-idp's login form → callback →
	 * back to {@code returnTo} on the gateway.
	 */
	public static SpaClient signIn(Service gateway, String username, String password) {
		SpaClient client = new SpaClient(new UserAgent(), gateway);
		client.login(username, password);
		return client;
	}

	public void login(String username, String password) {
		Exchange loginPage = this.agent.follow(this.agent.get(this.gateway.uri("/bff/login?returnTo=/")));
		Exchange landed = this.agent
			.follow(this.agent.submitForm(loginPage, Map.of("username", username, "password", password)));
		String home = this.gateway.uri("/").toString();
		if (!landed.uri().toString().equals(home) || this.agent.cookie(SESSION_COOKIE).isEmpty()) {
			throw new IllegalStateException("login as " + username + " did not land on " + home + " with a session: "
					+ landed.status() + " " + landed.uri());
		}
	}

	public UserAgent agent() {
		return this.agent;
	}

	public Service gateway() {
		return this.gateway;
	}

	public Exchange session() {
		return this.agent.get(this.gateway.uri("/bff/session"), "Accept", "application/json");
	}

	public Exchange getMe() {
		return this.agent.get(this.gateway.uri("/me"), "Accept", "application/json");
	}

	public Exchange patchMetadata(String json) {
		return this.agent.send("PATCH", this.gateway.uri("/me/metadata"), HttpRequest.BodyPublishers.ofString(json),
				"Content-Type", "application/json", "Accept", "application/json", "X-XSRF-TOKEN", xsrfToken());
	}

	public Exchange patchMetadataWithoutCsrfHeader(String json) {
		xsrfToken();
		return this.agent.send("PATCH", this.gateway.uri("/me/metadata"), HttpRequest.BodyPublishers.ofString(json),
				"Content-Type", "application/json", "Accept", "application/json");
	}

	/** {@code POST /bff/logout} as a script: CSRF header, JSON answer. */
	public Exchange logout() {
		return this.agent.send("POST", this.gateway.uri("/bff/logout"), HttpRequest.BodyPublishers.noBody(), "Accept",
				"application/json", "X-XSRF-TOKEN", xsrfToken());
	}

	/** {@code GET /bff/sessions}: the user's sessions. */
	public Exchange sessions() {
		return this.agent.get(this.gateway.uri("/bff/sessions"), "Accept", "application/json");
	}

	/** {@code DELETE path} as a script: CSRF header, JSON answer. */
	public Exchange delete(String path) {
		return this.agent.send("DELETE", this.gateway.uri(path), HttpRequest.BodyPublishers.noBody(), "Accept",
				"application/json", "X-XSRF-TOKEN", xsrfToken());
	}

	public String sessionCookie() {
		return this.agent.cookie(SESSION_COOKIE)
			.orElseThrow(() -> new IllegalStateException("no session cookie in the jar"));
	}

	/**
	 * The {@code XSRF-TOKEN} cookie value; reads {@code /bff/session} first when the jar
	 * has none yet, as the SPA does on start.
	 */
	public String xsrfToken() {
		if (this.agent.cookie("XSRF-TOKEN").isEmpty()) {
			session();
		}
		return this.agent.cookie("XSRF-TOKEN")
			.orElseThrow(() -> new IllegalStateException("the gateway set no XSRF-TOKEN cookie"));
	}

	public URI uri(String path) {
		return this.gateway.uri(path);
	}

}

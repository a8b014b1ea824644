package dev.porter.devidp.login;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.porter.devidp.seed.Seed;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Auth0's own logout, {@code GET /v2/logout?client_id&returnTo}: ends the IdP session
 * (telling the applications that signed in through it by back-channel logout) and sends
 * the browser to {@code returnTo}, which must be one of the application's allowed logout
 * URLs (the first of them when {@code returnTo} is absent). Without {@code client_id} the
 * allowed URLs of every application count, as Auth0's tenant-level list would.
 *
 * @see <a href="https://auth0.com/docs/api/authentication/logout/auth-0-logout">Auth0
 * Logout</a>
 */
@RestController
class Auth0LogoutController {

	private final Seed seed;

	private final LogoutHandler sessionLogout;

	/**
	 * @param sessionLogout how dev-idp ends a browser's session: the same for every
	 * logout endpoint, back-channel logout included
	 */
	Auth0LogoutController(Seed seed, LogoutHandler sessionLogout) {
		this.seed = seed;
		this.sessionLogout = sessionLogout;
	}

	@GetMapping("/v2/logout")
	ResponseEntity<String> logout(@RequestParam(name = "client_id", required = false) @Nullable String clientId,
			@RequestParam(required = false) @Nullable String returnTo, HttpServletRequest request,
			HttpServletResponse response) {
		Optional<Seed.Client> client = Optional.ofNullable(clientId).flatMap(this.seed::client);
		if (clientId != null && client.isEmpty()) {
			return badRequest("Unknown client_id");
		}
		List<String> allowed = client.map(Auth0LogoutController::allowedLogoutUrls)
			.orElseGet(this::allAllowedLogoutUrls);
		String target = (returnTo != null) ? returnTo
				: client.flatMap((c) -> allowed.stream().findFirst()).orElse(null);
		if (target != null && !allowed.contains(target)) {
			return badRequest("returnTo is not one of the application's Allowed Logout URLs");
		}
		this.sessionLogout.logout(request, response, SecurityContextHolder.getContext().getAuthentication());
		return ResponseEntity.status(HttpStatus.FOUND).location(URI.create((target != null) ? target : "/")).build();
	}

	private List<String> allAllowedLogoutUrls() {
		return this.seed.clients().stream().flatMap((client) -> allowedLogoutUrls(client).stream()).toList();
	}

	private static List<String> allowedLogoutUrls(Seed.Client client) {
		return Objects.requireNonNullElse(client.allowedLogoutUrls(), List.of());
	}

	private static ResponseEntity<String> badRequest(String message) {
		return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(message);
	}

}

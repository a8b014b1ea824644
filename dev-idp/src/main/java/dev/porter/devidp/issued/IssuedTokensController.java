package dev.porter.devidp.issued;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /dev/issued-tokens[?client_id=…]}: the tokens issued so far (a test control
 * under the loopback-only {@code /dev/**} chain; nothing a real IdP offers).
 * {@code DELETE} forgets them.
 */
@RestController
class IssuedTokensController {

	private final RecordingAuthorizationService authorizations;

	private final RegisteredClientRepository clients;

	IssuedTokensController(RecordingAuthorizationService authorizations, RegisteredClientRepository clients) {
		this.authorizations = authorizations;
		this.clients = clients;
	}

	@GetMapping("/dev/issued-tokens")
	List<IssuedToken> issued(@RequestParam(name = "client_id", required = false) @Nullable String clientId) {
		return this.authorizations.issued()
			.stream()
			.map(this::withClientId)
			.filter((token) -> clientId == null || clientId.equals(token.clientId()))
			.toList();
	}

	@DeleteMapping("/dev/issued-tokens")
	void forget() {
		this.authorizations.clear();
	}

	// Authorizations name the registered client's internal id; tests know clients by
	// client_id.
	private IssuedToken withClientId(IssuedToken token) {
		RegisteredClient client = this.clients.findById(token.clientId());
		String clientId = (client != null) ? client.getClientId() : token.clientId();
		return new IssuedToken(clientId, token.subject(), token.sid(), token.accessToken(), token.refreshToken(),
				token.idToken());
	}

}

package dev.porter.gateway.devices;

import java.util.Optional;

import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.logout.TokenRevoker;
import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.stereotype.Component;

/**
 * Ends a session from outside its own request, at its user's wish: removes it from the
 * store (its next request is anonymous), forgets it in the back-channel registry and the
 * directory, and revokes its refresh token at the IdP, so that a copy of the token taken
 * from the store is worthless too. The revocation is best effort, as at logout.
 */
@Component
class SessionEnder {

	private static final Logger log = LoggerFactory.getLogger(SessionEnder.class);

	private final StoredSessions stored;

	private final SessionRegistry registry;

	private final SessionDirectory directory;

	private final DiscoveredClientRegistrationRepository registrations;

	private final TokenRevoker revoker;

	SessionEnder(StoredSessions stored, SessionRegistry registry, SessionDirectory directory,
			DiscoveredClientRegistrationRepository registrations, TokenRevoker revoker) {
		this.stored = stored;
		this.registry = registry;
		this.directory = directory;
		this.registrations = registrations;
		this.revoker = revoker;
	}

	Mono<Void> end(DirectoryEntry entry) {
		SessionKey key = entry.key();
		// The token is read first: it goes with the session.
		return this.stored.refreshToken(key)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((refreshToken) -> this.stored.end(key)
				.then(this.registry.unregister(key, entry.sid(), entry.sub()))
				.then(this.directory.forget(key, entry.sub()))
				.then(Mono.defer(() -> refreshToken.map(this::revoke).orElse(Mono.empty()))));
	}

	private Mono<Void> revoke(OAuth2RefreshToken refreshToken) {
		return this.registrations.registration()
			.flatMap((registration) -> this.revoker.revoke(registration, refreshToken))
			.onErrorResume((ex) -> {
				log.warn("refresh token of an ended session not revoked: {}", ex.getClass().getSimpleName());
				return Mono.empty();
			});
	}

}

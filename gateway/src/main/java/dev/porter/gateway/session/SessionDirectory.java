package dev.porter.gateway.session;

import java.time.Instant;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What is known of each signed-in session, by user, so that a user can see and end their
 * own sessions ({@code GET /bff/sessions}). Written at login and, at most once a
 * {@link SessionDirectoryRetention#touchInterval() touch interval} per session, by
 * {@link LastSeenWebFilter}; an entry outlives its session by at most that interval past
 * the idle timeout, and never its absolute lifetime. An entry says a session <em>was</em>
 * signed in: whether it still is, only the session store knows. In memory by default; in
 * Redis when sessions are shared.
 */
public interface SessionDirectory {

	/** Records a session that has just signed in. */
	Mono<Void> record(DirectoryEntry entry);

	/**
	 * The entries of a user, in no particular order; empty when none is known. May
	 * include sessions that ended without being {@link #forget forgotten}.
	 */
	Flux<DirectoryEntry> entriesOf(String sub);

	/**
	 * Notes that the session was used at {@code at}, and keeps its entry for another idle
	 * timeout; does nothing for a session without an entry.
	 */
	Mono<Void> seen(SessionKey key, Instant at);

	/** Removes a session's entry; nothing happens when there is none. */
	Mono<Void> forget(SessionKey key, String sub);

}

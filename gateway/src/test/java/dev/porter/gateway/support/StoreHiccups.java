package dev.porter.gateway.support;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.IdpSession;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.LoginUser;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.session.StoredSessions;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The in-memory registry, directory and stored sessions, each write of which fails once
 * when armed, as Redis does on a command timeout: either before it was carried out, or
 * ({@code …AnswerLost}) after, when Redis carried it out once the gateway had stopped
 * waiting. {@code @Import} it into a {@link GatewayTestSupport} test and reset it after
 * each test.
 */
@TestConfiguration(proxyBeanMethods = false)
public class StoreHiccups {

	public final AtomicBoolean register = new AtomicBoolean();

	public final AtomicBoolean unregister = new AtomicBoolean();

	public final AtomicBoolean record = new AtomicBoolean();

	public final AtomicBoolean forget = new AtomicBoolean();

	/** The back-channel logout's recording and look-up in the registry. */
	public final AtomicBoolean lookupAnswerLost = new AtomicBoolean();

	/** The removal of a session from the store. */
	public final AtomicBoolean endAnswerLost = new AtomicBoolean();

	/** The registry's answer to whether the IdP logged an IdP session out. */
	public final AtomicBoolean loggedOutLookup = new AtomicBoolean();

	/**
	 * Once set, the next read of a session's refresh token by key answers only when the
	 * test releases it: an ending held between its read and its removal.
	 */
	public final AtomicReference<Held> tokenReadHeld = new AtomicReference<>();

	/** Per session: a removal that fails, carried out or not, in the test's own way. */
	public final Map<SessionKey, Mono<OAuth2RefreshToken>> failingRemovals = new ConcurrentHashMap<>();

	/** Per session: its refresh token read as if the session held none. */
	public final Set<SessionKey> tokenlessReads = ConcurrentHashMap.newKeySet();

	/**
	 * Per user ({@code sub}): the registration of their next login held until the test
	 * releases it: the login's session is stored, not yet registered.
	 */
	public final Map<String, Held> registersHeld = new ConcurrentHashMap<>();

	/** Per session: its removal from the registry held until the test releases it. */
	public final Map<SessionKey, Held> unregistersHeld = new ConcurrentHashMap<>();

	/**
	 * Per session: its removal from the store held until the test releases it: whoever
	 * ends it (a back-channel logout) has read it, and it is still signed in.
	 */
	public final Map<SessionKey, Held> removalsHeld = new ConcurrentHashMap<>();

	/**
	 * The removal of {@code failing}'s session fails, not carried out, once
	 * {@code otherReached} completes, as if the session held no refresh token: with
	 * nothing to revoke, the failure reaches whoever ends sessions together before the
	 * answer completes.
	 */
	public CompletableFuture<Void> failRemovalWhen(SessionKey failing, CompletableFuture<Void> otherReached) {
		CompletableFuture<Void> failed = new CompletableFuture<>();
		this.tokenlessReads.add(failing);
		this.failingRemovals.put(failing, Mono.create((sink) -> otherReached.thenRun(() -> {
			sink.error(new QueryTimeoutException("Redis command timed out"));
			failed.complete(null);
		})));
		return failed;
	}

	/** How many times each session's removal was asked for. */
	public final Map<SessionKey, AtomicInteger> removals = new ConcurrentHashMap<>();

	/** No failure armed. */
	public void reset() {
		this.removals.clear();
		this.tokenReadHeld.set(null);
		this.failingRemovals.clear();
		this.tokenlessReads.clear();
		this.unregistersHeld.clear();
		this.registersHeld.clear();
		this.removalsHeld.clear();
		this.register.set(false);
		this.unregister.set(false);
		this.record.set(false);
		this.forget.set(false);
		this.lookupAnswerLost.set(false);
		this.endAnswerLost.set(false);
		this.loggedOutLookup.set(false);
	}

	@Bean
	@Primary
	SessionRegistry hiccuppingRegistry(@Qualifier("sessionRegistry") SessionRegistry real) {
		return new SessionRegistry() {

			@Override
			public Mono<Boolean> register(SessionKey session, @Nullable String sid, @Nullable String sub,
					Instant issuedAt) {
				Held held = (sub != null) ? StoreHiccups.this.registersHeld.remove(sub) : null;
				return ((held != null) ? held.hold() : Mono.<Void>empty()).then(hiccup(StoreHiccups.this.register))
					.then(real.register(session, sid, sub, issuedAt));
			}

			@Override
			public Mono<Void> unregister(SessionKey session, @Nullable String sid, String sub) {
				Held held = StoreHiccups.this.unregistersHeld.get(session);
				return ((held != null) ? held.hold() : Mono.<Void>empty()).then(hiccup(StoreHiccups.this.unregister))
					.then(real.unregister(session, sid, sub));
			}

			@Override
			public Mono<Boolean> loggedOut(IdpSession session) {
				return hiccup(StoreHiccups.this.loggedOutLookup).then(real.loggedOut(session));
			}

			@Override
			public Mono<Set<SessionKey>> findBySid(String sid) {
				return real.findBySid(sid)
					.flatMap((found) -> hiccup(StoreHiccups.this.lookupAnswerLost).thenReturn(found));
			}

			@Override
			public Mono<Set<SessionKey>> findBySub(String sub) {
				return real.findBySub(sub)
					.flatMap((found) -> hiccup(StoreHiccups.this.lookupAnswerLost).thenReturn(found));
			}

			@Override
			public Mono<Set<SessionKey>> findBySid(String sid, Instant registeredBy) {
				return real.findBySid(sid, registeredBy);
			}

			@Override
			public Mono<Set<SessionKey>> findBySub(String sub, Instant registeredBy) {
				return real.findBySub(sub, registeredBy);
			}

			@Override
			public Mono<Set<SessionKey>> loggedOutSid(String sid, Instant issuedAt) {
				return real.loggedOutSid(sid, issuedAt)
					.flatMap((found) -> hiccup(StoreHiccups.this.lookupAnswerLost).thenReturn(found));
			}

			@Override
			public Mono<Set<SessionKey>> loggedOutSub(String sub, Instant issuedAt) {
				return real.loggedOutSub(sub, issuedAt)
					.flatMap((found) -> hiccup(StoreHiccups.this.lookupAnswerLost).thenReturn(found));
			}

		};
	}

	@Bean
	@Primary
	SessionDirectory hiccuppingDirectory(@Qualifier("inMemorySessionDirectory") SessionDirectory real) {
		return new SessionDirectory() {

			@Override
			public Mono<Void> record(DirectoryEntry entry) {
				return hiccup(StoreHiccups.this.record).then(real.record(entry));
			}

			@Override
			public Flux<DirectoryEntry> entriesOf(String sub) {
				return real.entriesOf(sub);
			}

			@Override
			public Mono<Void> seen(SessionKey key, Instant at) {
				return real.seen(key, at);
			}

			@Override
			public Mono<Void> forget(SessionKey key, String sub) {
				return hiccup(StoreHiccups.this.forget).then(real.forget(key, sub));
			}

		};
	}

	@Bean
	@Primary
	StoredSessions hiccuppingStoredSessions(@Qualifier("inMemoryStoredSessions") StoredSessions real) {
		return new StoredSessions() {

			@Override
			public Mono<Boolean> isLive(SessionKey key) {
				return real.isLive(key);
			}

			@Override
			public Mono<OAuth2RefreshToken> refreshToken(SessionKey key) {
				if (StoreHiccups.this.tokenlessReads.contains(key)) {
					return Mono.empty();
				}
				return real.refreshToken(key).flatMap((token) -> {
					Held held = StoreHiccups.this.tokenReadHeld.getAndSet(null);
					return (held != null) ? held.hold().thenReturn(token) : Mono.just(token);
				});
			}

			@Override
			public Mono<LoginUser> loginUser(SessionKey key) {
				return real.loginUser(key);
			}

			@Override
			public Mono<OAuth2RefreshToken> end(SessionKey key) {
				StoreHiccups.this.removals.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
				Mono<OAuth2RefreshToken> failing = StoreHiccups.this.failingRemovals.get(key);
				if (failing != null) {
					return failing;
				}
				Held held = StoreHiccups.this.removalsHeld.get(key);
				return ((held != null) ? held.hold() : Mono.<Void>empty()).then(Mono.defer(() -> real.end(key)))
					.map(Optional::of)
					.defaultIfEmpty(Optional.empty())
					.flatMap((taken) -> hiccup(StoreHiccups.this.endAnswerLost).then(Mono.justOrEmpty(taken)));
			}

			@Override
			public Mono<OAuth2RefreshToken> endReplaced(SessionKey key) {
				return real.endReplaced(key);
			}

		};
	}

	/** A step held until the test releases it; {@code reached} once it waits. */
	public record Held(CompletableFuture<Void> reached, CompletableFuture<Void> released) {

		public Held() {
			this(new CompletableFuture<>(), new CompletableFuture<>());
		}

		Mono<Void> hold() {
			return Mono.fromRunnable(() -> this.reached.complete(null)).then(Mono.fromFuture(this.released));
		}

	}

	private static Mono<Void> hiccup(AtomicBoolean armed) {
		return Mono.defer(() -> armed.getAndSet(false)
				? Mono.error(new QueryTimeoutException("Redis command timed out")) : Mono.empty());
	}

}

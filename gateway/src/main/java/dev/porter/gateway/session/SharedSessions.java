package dev.porter.gateway.session;

import java.time.Instant;
import java.util.function.Consumer;

import reactor.core.publisher.Mono;

import org.springframework.session.Session;

/**
 * The sessions every instance shares (with {@code REDIS_URL}), read as stored at this
 * moment — never what an instance kept of them — for the reads whose answer decides a
 * write: whether the tokens still need refreshing, and the refreshed tokens' write.
 * Absent when sessions live in memory, where every request of a session shares one
 * object.
 */
public interface SharedSessions {

	/**
	 * The session as stored now; empty when it is gone or expired. {@code usedAt} is when
	 * the caller's own request used it: the session counts as alive until then plus its
	 * idle timeout, whatever last access is stored (the request writes its use back at
	 * its answer). A refresh that reaches past the idle timeout counted from the stored
	 * last access would otherwise find its live session gone.
	 */
	Mono<? extends Session> findCurrent(String id, Instant usedAt);

	/**
	 * Applies {@code change} to the session as stored now ({@link #findCurrent}) and
	 * stores the result; nothing happens when the session is gone (an ended session is
	 * not brought back).
	 */
	Mono<Void> update(String id, Instant usedAt, Consumer<Session> change);

}

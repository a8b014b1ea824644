package dev.porter.gateway.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandType;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Which role the Redis node at the other end of a connection plays, as its {@code HELLO}
 * answer names it: a primary says {@value #PRIMARY}. Without a protocol version HELLO
 * changes nothing, and unlike {@code ROLE} or {@code INFO} every ACL user may send it.
 * <p>
 * A primary demoted by a failover goes on as a replica: it answers reads and PINGs,
 * refuses every write with {@code READONLY}, and hears of the new primary's writes only
 * while its replication link is up. A connection that finds itself there is closed, so
 * that a new one reaches the primary.
 */
final class NodeRoles {

	/** The role a primary names in its {@code HELLO} answer. */
	static final String PRIMARY = "master";

	private NodeRoles() {
	}

	/**
	 * The role {@code HELLO} names over {@code connection}, empty when its answer names
	 * none or Redis refuses HELLO (older than 6.2, HELLO renamed or denied by an ACL):
	 * then a command sent with it decides whether Redis serves.
	 * @param codec the connection's own
	 */
	static <K, V> Mono<Optional<String>> of(StatefulRedisConnection<K, V> connection, RedisCodec<K, V> codec) {
		return connection.reactive()
			.<List<Object>>dispatch(CommandType.HELLO, new ArrayOutput<>(codec))
			.next()
			.map((hello) -> Optional.ofNullable(roleIn(hello)))
			.defaultIfEmpty(Optional.empty())
			.onErrorResume(RedisCommandExecutionException.class, (refused) -> Mono.just(Optional.empty()));
	}

	/** Whether {@code role}, as {@link #of} answers it, is a primary's or unknown. */
	static boolean primaryOrUnknown(Optional<String> role) {
		return PRIMARY.equals(role.orElse(PRIMARY));
	}

	/** The value that follows {@code role} in a {@code HELLO} answer, if any. */
	private static @Nullable String roleIn(List<Object> hello) {
		for (int i = 0; i + 1 < hello.size(); i++) {
			if (text(hello.get(i)).equals("role")) {
				return text(hello.get(i + 1));
			}
		}
		return null;
	}

	private static String text(Object value) {
		return (value instanceof ByteBuffer bytes) ? StandardCharsets.UTF_8.decode(bytes.duplicate()).toString()
				: String.valueOf(value);
	}

}

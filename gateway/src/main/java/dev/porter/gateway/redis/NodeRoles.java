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
import reactor.core.publisher.Mono;

/**
 * Which role the Redis node at the other end of a connection plays, and in which mode it
 * runs, as its {@code HELLO} answer names them: a primary says {@value #PRIMARY}, a node
 * outside a cluster {@value #STANDALONE}. Without a protocol version HELLO changes
 * nothing, and unlike {@code ROLE} or {@code INFO} every ACL user may send it.
 * <p>
 * A primary demoted by a failover goes on as a replica: it answers reads and PINGs,
 * refuses every write with {@code READONLY}, and hears of the new primary's writes only
 * while its replication link is up. A connection that finds itself there is closed, so
 * that a new one reaches the primary.
 * <p>
 * A node of a Redis Cluster (mode {@code cluster}: the configuration endpoint of a
 * managed Redis with cluster mode enabled) answers PINGs, and the keys of its own slots,
 * but refuses the rest with {@code MOVED} and every command whose keys hash to different
 * slots with {@code CROSSSLOT}: the gateway's connections, which follow no redirection,
 * cannot use it, nor a Sentinel (mode {@code sentinel}), which serves no keys at all.
 */
final class NodeRoles {

	/** The role a primary names in its {@code HELLO} answer. */
	static final String PRIMARY = "master";

	/** The mode a node outside a cluster names in its {@code HELLO} answer. */
	static final String STANDALONE = "standalone";

	private NodeRoles() {
	}

	/**
	 * The role {@code HELLO} names over {@code connection}, empty when its answer names
	 * none or Redis refuses HELLO (older than 6.2, HELLO renamed or denied by an ACL):
	 * then a command sent with it decides whether Redis serves.
	 * @param codec the connection's own
	 */
	static <K, V> Mono<Optional<String>> of(StatefulRedisConnection<K, V> connection, RedisCodec<K, V> codec) {
		return node(connection, codec).map(Node::role);
	}

	/**
	 * The role and the mode {@code HELLO} names over {@code connection}, each empty as
	 * {@link #of} says.
	 * @param codec the connection's own
	 */
	static <K, V> Mono<Node> node(StatefulRedisConnection<K, V> connection, RedisCodec<K, V> codec) {
		return connection.reactive()
			.<List<Object>>dispatch(CommandType.HELLO, new ArrayOutput<>(codec))
			.next()
			.map((hello) -> new Node(valueOf("role", hello), valueOf("mode", hello)))
			.defaultIfEmpty(Node.UNNAMED)
			.onErrorResume(RedisCommandExecutionException.class, (refused) -> Mono.just(Node.UNNAMED));
	}

	/** Whether {@code role}, as {@link #of} answers it, is a primary's or unknown. */
	static boolean primaryOrUnknown(Optional<String> role) {
		return PRIMARY.equals(role.orElse(PRIMARY));
	}

	/** The value that follows {@code name} in a {@code HELLO} answer, if any. */
	private static Optional<String> valueOf(String name, List<Object> hello) {
		for (int i = 0; i + 1 < hello.size(); i++) {
			if (text(hello.get(i)).equals(name)) {
				return Optional.of(text(hello.get(i + 1)));
			}
		}
		return Optional.empty();
	}

	private static String text(Object value) {
		return (value instanceof ByteBuffer bytes) ? StandardCharsets.UTF_8.decode(bytes.duplicate()).toString()
				: String.valueOf(value);
	}

	/**
	 * What a node's {@code HELLO} answer names.
	 *
	 * @param role its role, empty when unnamed
	 * @param mode its mode, empty when unnamed
	 */
	record Node(Optional<String> role, Optional<String> mode) {

		static final Node UNNAMED = new Node(Optional.empty(), Optional.empty());

		/**
		 * The mode the node names when it is not {@value #STANDALONE} ({@code cluster},
		 * {@code sentinel}): one the gateway cannot use.
		 */
		Optional<String> unusableMode() {
			return this.mode.filter((named) -> !STANDALONE.equals(named));
		}

	}

}

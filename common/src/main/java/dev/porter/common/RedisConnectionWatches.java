package dev.porter.common;

import java.time.Duration;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;

/**
 * What watches each Redis connection of a service, so that Lettuce opens a new one when
 * the old one can no longer serve: one left unanswered ({@link UnansweredConnections})
 * and one whose node turned out to be a replica ({@link ReadOnlyConnections}). Lettuce
 * takes one customizer per client's resources; this is it.
 */
public final class RedisConnectionWatches implements NettyCustomizer {

	private final UnansweredConnections unanswered;

	private final ReadOnlyConnections readOnly = new ReadOnlyConnections();

	/**
	 * @param commandTimeout the command timeout ({@code REDIS_TIMEOUT})
	 */
	public RedisConnectionWatches(Duration commandTimeout) {
		this.unanswered = new UnansweredConnections(commandTimeout);
	}

	@Override
	public void afterBootstrapInitialized(Bootstrap bootstrap) {
		this.unanswered.afterBootstrapInitialized(bootstrap);
		this.readOnly.afterBootstrapInitialized(bootstrap);
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		this.unanswered.afterChannelInitialized(channel);
		this.readOnly.afterChannelInitialized(channel);
	}

}

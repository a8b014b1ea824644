package dev.porter.profile.me;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import dev.porter.profile.cache.CacheMeters;
import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.cache.SwrCache;
import dev.porter.profile.cache.CacheProperties;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.userinfo.Userinfo;

import org.springframework.stereotype.Component;

/**
 * The two caches of the design: {@code /userinfo} per (sub, scopes), the directory user
 * per sub. A directory change made here is written through and announced on the
 * {@link InvalidationBus}, so that the other instances drop their copy.
 */
@Component
public class ProfileCaches {

	private final SwrCache<UserinfoKey, Userinfo> userinfo;

	private final SwrCache<String, DirectoryUser> directory;

	private final InvalidationBus directoryBus;

	ProfileCaches(CacheProperties properties, Ticker ticker, MeterRegistry registry, InvalidationBus directoryBus) {
		this.directoryBus = directoryBus;
		CacheMeters meters = new CacheMeters(registry);
		CacheProperties.Spec u = properties.userinfo();
		CacheProperties.Spec d = properties.directory();
		this.userinfo = new SwrCache<>("userinfo", u.freshFor(), u.staleFor(), u.maximumSize(), ticker,
				ForkJoinPool.commonPool(), meters);
		this.directory = new SwrCache<>("directory", d.freshFor(), d.staleFor(), d.maximumSize(), ticker,
				ForkJoinPool.commonPool(), meters);
	}

	SwrCache<UserinfoKey, Userinfo> userinfo() {
		return this.userinfo;
	}

	SwrCache<String, DirectoryUser> directory() {
		return this.directory;
	}

	/**
	 * Write-through of a user the directory just confirmed, then tells the other
	 * instances. Completes when the announcement was sent or given up (never an error):
	 * waiting for it means a client that reads from another instance after this answer
	 * already sees the change whenever Redis is up.
	 */
	Mono<Void> directoryChanged(String sub, DirectoryUser user) {
		this.directory.put(sub, user);
		return this.directoryBus.publish(sub);
	}

	/** Another instance changed this user: the next read here loads it afresh. */
	void directoryChangedElsewhere(String sub) {
		this.directory.invalidate(sub);
	}

	/**
	 * Drops every entry (operations and tests); completes once the loads that were in
	 * flight have settled, so that none of them reaches an upstream afterwards.
	 */
	public Mono<Void> clear() {
		return Mono.fromFuture(CompletableFuture.allOf(this.userinfo.invalidateAll(), this.directory.invalidateAll()));
	}

}

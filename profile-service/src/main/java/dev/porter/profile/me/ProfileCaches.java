package dev.porter.profile.me;

import java.util.concurrent.ForkJoinPool;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;

import dev.porter.profile.cache.CacheMeters;
import dev.porter.profile.cache.SwrCache;
import dev.porter.profile.config.CacheProperties;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.userinfo.Userinfo;

import org.springframework.stereotype.Component;

/**
 * The two caches of the design: {@code /userinfo} per (sub, scopes), the directory user
 * per sub.
 */
@Component
public class ProfileCaches {

	private final SwrCache<UserinfoKey, Userinfo> userinfo;

	private final SwrCache<String, DirectoryUser> directory;

	ProfileCaches(CacheProperties properties, Ticker ticker, MeterRegistry registry) {
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

	/** Drops every entry (operations and tests). */
	public void clear() {
		this.userinfo.invalidateAll();
		this.directory.invalidateAll();
	}

}

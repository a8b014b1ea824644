package dev.porter.profile.me;

import reactor.core.Disposable;

import dev.porter.profile.cache.InvalidationBus;
import dev.porter.profile.cache.RemoteChange;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens, while the service runs, for directory users other instances changed and drops
 * them from this instance's cache; when changes may have gone unheard, treats every user
 * as changed elsewhere ({@link ProfileCaches#directoryMayHaveChangedElsewhere}).
 */
@Component
class DirectoryInvalidationListener implements SmartLifecycle {

	private final InvalidationBus bus;

	private final ProfileCaches caches;

	private volatile @Nullable Disposable subscription;

	DirectoryInvalidationListener(InvalidationBus bus, ProfileCaches caches) {
		this.bus = bus;
		this.caches = caches;
	}

	@Override
	public void start() {
		this.subscription = this.bus.remoteChanges().subscribe(this::changedElsewhere);
	}

	private void changedElsewhere(RemoteChange change) {
		if (change instanceof RemoteChange.Key key) {
			this.caches.directoryChangedElsewhere(key.key());
		}
		else {
			this.caches.directoryMayHaveChangedElsewhere();
		}
	}

	@Override
	public void stop() {
		Disposable current = this.subscription;
		if (current != null) {
			current.dispose();
		}
		this.subscription = null;
	}

	@Override
	public boolean isRunning() {
		return this.subscription != null;
	}

}

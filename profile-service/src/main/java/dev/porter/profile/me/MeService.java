package dev.porter.profile.me;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.porter.profile.cache.CacheStatus;
import dev.porter.profile.cache.Cached;
import dev.porter.profile.directory.Directory;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.problem.DirectoryNotWritableException;
import dev.porter.profile.oidc.Callers;
import dev.porter.profile.userinfo.Userinfo;
import dev.porter.profile.userinfo.UserinfoClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Service;

/**
 * The caller's profile: {@code /userinfo} and the directory user, each through its cache,
 * fetched in parallel and merged. Each load and revalidation spends one call of the
 * caller's {@link CallerUpstreamShare}. Without a directory
 * ({@code PROFILE_DIRECTORY=none}) the profile is {@code /userinfo} alone, and metadata
 * cannot be changed ({@link MetadataChanges} sends the changes).
 */
@Service
class MeService {

	private final UserinfoClient userinfoClient;

	private final Callers callers;

	private final @Nullable Directory directory;

	private final ProfileCaches caches;

	private final ProfileMerger merger;

	private final JsonMapper mapper;

	private final CallerUpstreamShare upstreamShare;

	MeService(UserinfoClient userinfoClient, ObjectProvider<Directory> directory, ProfileCaches caches,
			ProfileMerger merger, JsonMapper mapper, Callers callers, CallerUpstreamShare upstreamShare) {
		this.userinfoClient = userinfoClient;
		this.upstreamShare = upstreamShare;
		this.callers = callers;
		this.directory = directory.getIfAvailable();
		this.caches = caches;
		this.merger = merger;
		this.mapper = mapper;
	}

	Mono<ProfileView> profile(Jwt jwt) {
		if (this.directory == null) {
			return userinfo(jwt).map((userinfo) -> view(userinfo.value(), DirectoryUser.none(),
					CacheStatus.of(List.of(userinfo.lookup()))));
		}
		return Mono.zip(userinfo(jwt), directoryUser(this.callers.id(jwt)))
			.map((both) -> view(both.getT1(), both.getT2()));
	}

	/**
	 * The configured directory; without one a metadata change is refused (501), before
	 * its body is read: no body could succeed.
	 */
	Directory requireDirectory() {
		if (this.directory == null) {
			throw new DirectoryNotWritableException();
		}
		return this.directory;
	}

	Mono<Cached<Userinfo>> userinfo(Jwt jwt) {
		String sub = this.callers.id(jwt);
		String token = jwt.getTokenValue();
		return this.caches.userinfo()
			.get(UserinfoKey.of(sub, jwt),
					() -> this.upstreamShare.spending(sub, this.userinfoClient.fetch(sub, token)));
	}

	Mono<Cached<DirectoryUser>> directoryUser(String sub) {
		Directory directory = requireDirectory();
		return this.caches.directoryUser(sub, () -> this.upstreamShare.spending(sub, directory.find(sub)));
	}

	/** The two merged, with how each was looked up. */
	ProfileView view(Cached<Userinfo> userinfo, Cached<DirectoryUser> user) {
		return view(userinfo.value(), user.value(), CacheStatus.of(List.of(userinfo.lookup(), user.lookup())));
	}

	ProfileView view(Userinfo userinfo, DirectoryUser user, String cacheStatus) {
		return ProfileView.of(this.merger.merge(userinfo, user), cacheStatus, this.mapper);
	}

}

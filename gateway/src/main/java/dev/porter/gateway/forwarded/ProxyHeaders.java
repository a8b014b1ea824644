package dev.porter.gateway.forwarded;

import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Which family of forwarding headers the trusted proxies write
 * ({@code TRUSTED_PROXY_HEADERS}). A proxy writes one family and passes the other on as
 * the client sent it (nginx's {@code $proxy_add_x_forwarded_for}, AWS ALB and
 * ingress-nginx append to {@code X-Forwarded-For} and leave a client's {@code Forwarded}
 * alone), so only the named family is believed and the other is removed.
 */
public enum ProxyHeaders {

	/** {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Port}, ... */
	X_FORWARDED(List.of("Forwarded")),

	/** RFC 7239 {@code Forwarded}. */
	FORWARDED(List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
			"X-Forwarded-Prefix", "X-Forwarded-Ssl"));

	private final List<String> otherFamily;

	ProxyHeaders(List<String> otherFamily) {
		this.otherFamily = otherFamily;
	}

	/** The headers of this family. */
	List<String> names() {
		return (this == X_FORWARDED) ? FORWARDED.otherFamily : X_FORWARDED.otherFamily;
	}

	/** {@code request} without the headers of the family the proxies do not write. */
	ServerHttpRequest withoutTheOtherFamily(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		if (this.otherFamily.stream().noneMatch(headers::containsHeader)) {
			return request;
		}
		return request.mutate().headers((mutable) -> this.otherFamily.forEach(mutable::remove)).build();
	}

}

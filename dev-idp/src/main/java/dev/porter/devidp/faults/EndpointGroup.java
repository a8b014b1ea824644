package dev.porter.devidp.faults;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The endpoint groups whose faults are switched together, each answering errors in its
 * own API's body shape: the Management API's {@code {"statusCode",…}} or the
 * Authentication API's OAuth {@code {"error","error_description"}}.
 */
enum EndpointGroup {

	/** {@code /api/v2/**}. */
	MANAGEMENT(true),

	/** {@code /userinfo}. */
	USERINFO(false),

	/** {@code /oauth/token}. */
	TOKEN(false);

	/** The servlet URL patterns the fault and counting filters are registered for. */
	static final String[] URL_PATTERNS = { "/api/v2/*", "/userinfo", "/oauth/token" };

	private final boolean managementShape;

	EndpointGroup(boolean managementShape) {
		this.managementShape = managementShape;
	}

	/** The group's name in {@code /dev/faults/{group}}. */
	String key() {
		return name().toLowerCase(Locale.ROOT);
	}

	boolean managementShape() {
		return this.managementShape;
	}

	static Optional<EndpointGroup> named(String key) {
		return Arrays.stream(values()).filter((group) -> group.key().equals(key)).findFirst();
	}

	static Optional<EndpointGroup> of(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (path.equals("/api/v2") || path.startsWith("/api/v2/")) {
			return Optional.of(MANAGEMENT);
		}
		if (path.equals("/userinfo")) {
			return Optional.of(USERINFO);
		}
		if (path.equals("/oauth/token")) {
			return Optional.of(TOKEN);
		}
		return Optional.empty();
	}

}

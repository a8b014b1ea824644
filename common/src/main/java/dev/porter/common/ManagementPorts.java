package dev.porter.common;

import org.jspecify.annotations.Nullable;

/**
 * Refuses a management server that would put actuator on the public port, the same way in
 * every service. With {@code MANAGEMENT_PORT} equal to {@code PORT}, Spring Boot serves
 * actuator (metrics, health details) on that port to everyone, which is what the separate
 * management port exists to prevent. Port 0 (a random port, as tests use) is never the
 * same port. An empty {@code MANAGEMENT_PORT} or {@code MANAGEMENT_ADDRESS} (a deployment
 * template that sets it blank) is refused too: the YAML default applies only when the
 * variable is unset, and Boot reads an empty port as "the same port" and an empty address
 * as "every interface".
 * <p>
 * Ports are compared as Boot binds them, as numbers: {@code 08080}, {@code +8080},
 * {@code " 8080 "} and {@code 0x1F90} are all port 8080.
 */
public final class ManagementPorts {

	/** Boot's port when {@code server.port} is unset or empty. */
	private static final int BOOT_DEFAULT_PORT = 8080;

	private ManagementPorts() {
	}

	/**
	 * Checks the three properties as the environment holds them, unconverted: a port is
	 * read here as Boot reads it.
	 * @param serverPort {@code server.port} ({@code PORT}), or {@code null} when unset
	 * @param managementPort {@code management.server.port} ({@code MANAGEMENT_PORT}), or
	 * {@code null} when unset
	 * @param managementAddress {@code management.server.address}
	 * ({@code MANAGEMENT_ADDRESS}), or {@code null} when unset
	 * @throws IllegalStateException naming the variable: a management port or address set
	 * empty, a port that is not a number, or a management port equal to the public port
	 */
	public static void check(@Nullable String serverPort, @Nullable String managementPort,
			@Nullable String managementAddress) {
		if (managementPort != null && managementPort.isBlank()) {
			throw new IllegalStateException(
					"MANAGEMENT_PORT is empty: set a port other than PORT, or unset it for the default");
		}
		if (managementAddress != null && managementAddress.isBlank()) {
			throw new IllegalStateException(
					"MANAGEMENT_ADDRESS is empty: set the interface actuator listens on, or unset it for loopback");
		}
		Integer server = read(serverPort, "PORT");
		Integer management = read(managementPort, "MANAGEMENT_PORT");
		int publicPort = (server != null) ? server : BOOT_DEFAULT_PORT;
		if (management != null && management == publicPort && publicPort != 0) {
			throw new IllegalStateException("MANAGEMENT_PORT (" + managementPort
					+ ") must differ from PORT: on one port actuator's metrics and health details answer to everyone");
		}
	}

	/**
	 * A port as Spring's conversion reads an {@code Integer}: empty is unset, whitespace
	 * anywhere is dropped, {@code 0x}, {@code 0X} or {@code #} (after an optional minus)
	 * is hexadecimal, and anything else decimal, leading zeros included.
	 */
	private static @Nullable Integer read(@Nullable String value, String variable) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		String number = withoutWhitespace(value);
		int digits = number.startsWith("-") ? 1 : 0;
		boolean hex = number.startsWith("0x", digits) || number.startsWith("0X", digits)
				|| number.startsWith("#", digits);
		try {
			return hex ? Integer.decode(number) : Integer.valueOf(number);
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException(variable + " (" + value + ") is not a port number", ex);
		}
	}

	private static String withoutWhitespace(String value) {
		StringBuilder kept = new StringBuilder(value.length());
		value.codePoints().filter((c) -> !Character.isWhitespace(c)).forEach(kept::appendCodePoint);
		return kept.toString();
	}

}

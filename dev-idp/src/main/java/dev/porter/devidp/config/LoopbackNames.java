package dev.porter.devidp.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Whether a host name or a {@code Host} header names this machine's loopback interface:
 * {@code localhost} or a loopback IP literal. A name is never looked up in DNS, so a name
 * that an attacker's DNS points at 127.0.0.1 is not loopback here.
 */
public final class LoopbackNames {

	private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

	private static final Pattern PORT = Pattern.compile(":\\d{1,5}");

	private LoopbackNames() {
	}

	/**
	 * A host as a URI carries it: {@code localhost}, {@code 127.0.0.1}, {@code [::1]}.
	 */
	public static boolean isLoopbackHost(@Nullable String host) {
		if (host == null) {
			return false;
		}
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		if ("localhost".equalsIgnoreCase(literal)) {
			return true;
		}
		// Only IP literals are parsed; a host name is never looked up in DNS.
		if (!IP_LITERAL.matcher(literal).matches()) {
			return false;
		}
		try {
			return InetAddress.getByName(literal).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/** A {@code Host} header: a loopback host, optionally followed by {@code :port}. */
	static boolean isLoopbackAuthority(@Nullable String authority) {
		if (authority == null) {
			return false;
		}
		String host = authority;
		String port = "";
		if (authority.startsWith("[")) {
			int close = authority.indexOf(']');
			if (close < 0) {
				return false;
			}
			host = authority.substring(0, close + 1);
			port = authority.substring(close + 1);
		}
		else if (authority.indexOf(':') >= 0) {
			host = authority.substring(0, authority.indexOf(':'));
			port = authority.substring(authority.indexOf(':'));
		}
		return (port.isEmpty() || PORT.matcher(port).matches()) && isLoopbackHost(host);
	}

}

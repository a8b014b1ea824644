package dev.porter.e2e.processes;

import java.net.URI;

/**
 * A started service of the stack: its base URI (always {@code http://localhost:PORT}) and
 * its process.
 */
public record Service(String name, int port, ManagedProcess process) {

	public URI uri() {
		return URI.create("http://localhost:" + this.port);
	}

	public URI uri(String path) {
		return uri().resolve(path);
	}

}

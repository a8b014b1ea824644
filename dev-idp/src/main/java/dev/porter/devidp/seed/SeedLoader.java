package dev.porter.devidp.seed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.Resource;

/**
 * Reads a seed file, replacing every {@code {issuer}} with the configured issuer so that
 * audiences such as the Management API's follow the issuer (as
 * {@code https://TENANT/api/v2/} does at Auth0).
 */
public final class SeedLoader {

	private final JsonMapper mapper;

	public SeedLoader(JsonMapper mapper) {
		this.mapper = mapper;
	}

	public Seed load(Resource resource, String issuer) {
		try (InputStream in = resource.getInputStream()) {
			String json = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{issuer}", issuer);
			return this.mapper.readValue(json, Seed.class);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read the dev-idp seed file " + resource.getDescription(), ex);
		}
	}

}

package dev.porter.devidp.oauth;

import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.porter.devidp.backchannel.LogoutTokenSender;
import dev.porter.devidp.config.DevIdpProperties;
import dev.porter.devidp.issued.RecordingAuthorizationService;
import dev.porter.devidp.seed.Seed;
import dev.porter.devidp.userinfo.UserClaims;
import dev.porter.devidp.userinfo.UserInfoMapper;
import dev.porter.devidp.userinfo.UserInfoUnauthorized;
import dev.porter.devidp.users.UserStore;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadataClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * The OAuth 2.0 / OpenID Connect endpoints on Auth0's paths, first in the filter chain
 * order (see {@code DevControlsSecurityConfiguration}). The issuer keeps its trailing
 * slash everywhere it appears ({@code iss}, discovery), as Auth0's does, so that resource
 * servers configured with only the issuer accept the tokens.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

	static final int ORDER = 1;

	private static final String USERINFO = "/userinfo";

	private static final String TOKEN = "/oauth/token";

	private static final String REVOKE = "/oauth/revoke";

	/** Served by Spring Authorization Server whether wanted or not; not by Auth0. */
	private static final String INTROSPECT = "/oauth2/introspect";

	private static final String LOGOUT = "/oidc/logout";

	@Bean
	@Order(ORDER)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http, Seed seed, UserClaims userClaims,
			RegisteredClientRepository clients, OAuth2AuthorizationService authorizations, JwtDecoder jwtDecoder,
			JsonMapper mapper, IdpSessionLogout sessionLogout) throws Exception {
		Audiences audiences = new Audiences(seed);
		OAuth2AuthorizationServerConfigurer authorizationServer = new OAuth2AuthorizationServerConfigurer();
		UserInfoUnauthorized unauthorized = new UserInfoUnauthorized();
		UserInfoTokens userInfoTokens = new UserInfoTokens(USERINFO);
		TokenErrorResponseHandler tokenErrors = new TokenErrorResponseHandler(mapper);
		return http.securityMatcher(authorizationServer.getEndpointsMatcher())
			.with(authorizationServer,
					(server) -> server
						.clientAuthentication((clientAuthentication) -> clientAuthentication
							.authenticationConverters(
									(converters) -> converters.add(new PublicClientConverter(TOKEN, REVOKE)))
							.authenticationProviders((providers) -> providers.add(0, new PublicClientProvider(clients)))
							.errorResponseHandler(tokenErrors))
						.authorizationServerMetadataEndpoint((metadata) -> metadata
							.authorizationServerMetadataCustomizer(
									(document) -> document
										.claims(AuthorizationServerConfiguration::withoutIntrospection)))
						.authorizationEndpoint((authorize) -> authorize
							.authorizationRequestConverters(
									(converters) -> converters.replaceAll(SigningInSession::recordedBy))
							.authenticationProviders((providers) -> providers
								.forEach((provider) -> validateAudience(provider, audiences))))
						.tokenEndpoint((token) -> token
							.authenticationProviders((providers) -> providers
								.replaceAll((provider) -> auth0Grants(provider, audiences, authorizations)))
							.errorResponseHandler(tokenErrors))
						.oidc((oidc) -> oidc
							.logoutEndpoint(
									(logout) -> logout.logoutResponseHandler(sessionLogout.oidcLogoutResponse()))
							.providerConfigurationEndpoint((discovery) -> discovery
								.providerConfigurationCustomizer(AuthorizationServerConfiguration::auth0Discovery))
							.userInfoEndpoint((userInfo) -> userInfo.userInfoMapper(new UserInfoMapper(userClaims))
								.errorResponseHandler(unauthorized))))
			.addFilterBefore(new NotAnAuth0Endpoint(INTROSPECT), LogoutFilter.class)
			// Auth0's logout without id_token_hint (logout_hint, or none and the user
			// confirms), which the server's own logout endpoint lacks.
			.addFilterBefore(new OidcLogoutWithoutIdTokenFilter(LOGOUT, clients, sessionLogout), LogoutFilter.class)
			// Auth0 takes JSON token requests too; before client authentication reads
			// them.
			.addFilterBefore(new JsonTokenRequestFilter(Set.of(TOKEN, REVOKE), mapper), LogoutFilter.class)
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated())
			// Only /userinfo reads a token: elsewhere (/authorize) it would sign someone
			// in.
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt((jwt) -> jwt.decoder(jwtDecoder))
				.bearerTokenResolver(userInfoTokens)
				.dPoP((dPoP) -> dPoP.requestMatcher(userInfoTokens.dPoPRequests()))
				.authenticationEntryPoint(unauthorized))
			.exceptionHandling((exceptions) -> exceptions
				.defaultAuthenticationEntryPointFor(unauthorized,
						PathPatternRequestMatcher.withDefaults().matcher(USERINFO))
				.defaultAuthenticationEntryPointFor(new ClientUnauthorized(),
						new OrRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(TOKEN),
								PathPatternRequestMatcher.withDefaults().matcher(REVOKE)))
				.defaultAuthenticationEntryPointFor(
						new PromptNoneEntryPoint(clients, new LoginUrlAuthenticationEntryPoint("/login")),
						AnyRequestMatcher.INSTANCE))
			.build();
	}

	private static void validateAudience(AuthenticationProvider provider, Audiences audiences) {
		if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codeRequests) {
			codeRequests.setAuthenticationValidator(new OAuth2AuthorizationCodeRequestAuthenticationValidator()
				.andThen(new AudienceValidator(audiences)));
		}
	}

	private static AuthenticationProvider auth0Grants(AuthenticationProvider provider, Audiences audiences,
			OAuth2AuthorizationService authorizations) {
		if (provider instanceof OAuth2ClientCredentialsAuthenticationProvider clientCredentials) {
			return new ClientGrantAuthenticationProvider(clientCredentials, audiences);
		}
		if (provider instanceof OAuth2RefreshTokenAuthenticationProvider refresh) {
			return new RefreshTokenReuseDetection(refresh, authorizations);
		}
		return provider;
	}

	private static void auth0Discovery(OidcProviderConfiguration.Builder discovery) {
		List<String> clientAuthentication = List.of("client_secret_basic", "client_secret_post", "none");
		discovery.tokenEndpointAuthenticationMethods((methods) -> methods.retainAll(clientAuthentication))
			.tokenRevocationEndpointAuthenticationMethods((methods) -> methods.retainAll(clientAuthentication))
			.claim("backchannel_logout_supported", true)
			.claim("backchannel_logout_session_supported", true)
			.claim("scopes_supported", List.of("openid", "profile", "offline_access", "email"))
			.claims(AuthorizationServerConfiguration::withoutIntrospection);
	}

	private static void withoutIntrospection(Map<String, Object> claims) {
		claims.remove(OAuth2AuthorizationServerMetadataClaimNames.INTROSPECTION_ENDPOINT);
		claims.remove(OAuth2AuthorizationServerMetadataClaimNames.INTROSPECTION_ENDPOINT_AUTH_METHODS_SUPPORTED);
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings(DevIdpProperties properties) {
		return AuthorizationServerSettings.builder()
			.issuer(properties.issuerString())
			.authorizationEndpoint("/authorize")
			.tokenEndpoint(TOKEN)
			.jwkSetEndpoint("/.well-known/jwks.json")
			.tokenRevocationEndpoint(REVOKE)
			.tokenIntrospectionEndpoint(INTROSPECT)
			.oidcUserInfoEndpoint(USERINFO)
			.oidcLogoutEndpoint(LOGOUT)
			.build();
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(Seed seed, DevIdpProperties properties) {
		return new SeedClients(seed, properties).repository();
	}

	@Bean
	OAuth2TokenGenerator<?> tokenGenerator(JwtEncoder jwtEncoder, DevIdpProperties properties, UserClaims userClaims,
			Seed seed, Clock clock) {
		// Access and ID tokens dated on the clock that dates the refresh tokens and
		// checks the tokens at /userinfo and the Management API.
		JwtGenerator jwtGenerator = new JwtGenerator(jwtEncoder);
		jwtGenerator.setClock(clock);
		jwtGenerator.setJwtCustomizer(new Auth0TokenCustomizer(properties.issuerString(), userClaims));
		return new DelegatingOAuth2TokenGenerator(jwtGenerator,
				new OfflineAccessRefreshTokenGenerator(new Audiences(seed), clock));
	}

	/**
	 * In memory, like everything in dev-idp: a restart signs everyone out.
	 */
	@Bean
	RecordingAuthorizationService authorizationService(SessionSignIns signIns, Clock clock) {
		return new RecordingAuthorizationService(new ConcurrentAuthorizations(expiryClock(clock)), signIns::record);
	}

	/**
	 * The earlier of dev-idp's clock and the system's, which are one clock outside tests.
	 * Spring Authorization Server dates codes on the system clock, and checks on it
	 * whether a code or a refresh token has expired; dev-idp dates the other tokens on
	 * its own. A token is of no use any more only once both say it has expired: a test
	 * that moves dev-idp's clock a day ahead still exchanges the code it gets next.
	 */
	private static InstantSource expiryClock(Clock clock) {
		InstantSource system = InstantSource.system();
		return () -> {
			Instant devIdp = clock.instant();
			Instant now = system.instant();
			return devIdp.isBefore(now) ? devIdp : now;
		};
	}

	@Bean
	SessionSignIns sessionSignIns() {
		return new SessionSignIns();
	}

	/**
	 * How every logout endpoint ends a browser's IdP session, {@code /v2/logout}
	 * included.
	 */
	@Bean
	IdpSessionLogout idpSessionLogout(SessionSignIns signIns, LogoutTokenSender sender) {
		return new IdpSessionLogout(signIns, sender);
	}

	@Bean
	UserClaims userClaims(UserStore users, JsonMapper mapper) {
		return new UserClaims(users, mapper);
	}

	/**
	 * Tracks IdP sessions so that logout ends them; the {@code sid} of ID tokens comes
	 * from {@link SigningInSession}.
	 */
	@Bean
	SessionRegistry sessionRegistry() {
		return new SessionRegistryImpl();
	}

	@Bean
	HttpSessionEventPublisher httpSessionEventPublisher() {
		return new HttpSessionEventPublisher();
	}

}

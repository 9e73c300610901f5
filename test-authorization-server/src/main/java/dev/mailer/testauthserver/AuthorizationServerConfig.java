package dev.mailer.testauthserver;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2DeviceAuthorizationResponseHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * Two filter chains, as in Spring Authorization Server's reference configuration: the protocol
 * endpoints, and form login for the user. Everything else (the signing key, the in-memory
 * authorization store) is Spring's default.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfig {

    /** What the tests' SMTP server introspects with (HTTP Basic), as with the earlier test server. */
    static final String INTROSPECTION_CLIENT_ID = "test-smtp-server";
    static final String INTROSPECTION_CLIENT_SECRET = "introspection";
    /** Where that SMTP server introspects: {@code <iss>/introspect}. */
    static final String INTROSPECTION_ENDPOINT = "/introspect";
    /** Spring's internal ids of the two registrations (the client ids are what the protocol sees). */
    private static final String MAILER_REGISTRATION = "mailer";
    private static final String SMTP_SERVER_REGISTRATION = "smtp-server";

    @Bean
    @Order(1)
    SecurityFilterChain protocolEndpoints(HttpSecurity http, TestServerSettings settings) throws Exception {
        OAuth2AuthorizationServerConfigurer authorizationServer = OAuth2AuthorizationServerConfigurer.authorizationServer();
        http.securityMatcher(authorizationServer.getEndpointsMatcher())
                .with(authorizationServer, server -> server.deviceAuthorizationEndpoint(endpoint ->
                        endpoint.deviceAuthorizationResponseHandler(deviceAuthorizationResponse(settings.devicePollInterval()))))
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // a browser that is not logged in (authorize, device verification) is sent to the form
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    /**
     * Spring's own response has no {@code interval}, so clients wait the RFC's 5 s between polls;
     * this one is the same plus the interval of the settings (tests want to poll faster).
     */
    private static AuthenticationSuccessHandler deviceAuthorizationResponse(Duration pollInterval) {
        OAuth2DeviceAuthorizationResponseHttpMessageConverter converter = new OAuth2DeviceAuthorizationResponseHttpMessageConverter();
        return (request, response, authentication) -> {
            OAuth2DeviceAuthorizationRequestAuthenticationToken result = (OAuth2DeviceAuthorizationRequestAuthenticationToken) authentication;
            AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
            String verificationUri = context.getIssuer() + context.getAuthorizationServerSettings().getDeviceVerificationEndpoint();
            OAuth2DeviceAuthorizationResponse body = OAuth2DeviceAuthorizationResponse
                    .with(result.getDeviceCode(), result.getUserCode())
                    .verificationUri(verificationUri)
                    .verificationUriComplete(verificationUri + "?user_code="
                            + URLEncoder.encode(result.getUserCode().getTokenValue(), StandardCharsets.UTF_8))
                    .interval(pollInterval.toSeconds())
                    .build();
            converter.write(body, null, new ServletServerHttpResponse(response));
        };
    }

    @Bean
    @Order(2)
    SecurityFilterChain userLogin(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        // an endpoint's error (e.g. an unknown user code) shows as is, not as a login form
                        .requestMatchers("/error").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users(TestServerSettings settings) {
        return new InMemoryUserDetailsManager(User.withUsername(settings.username())
                .password("{noop}" + settings.password()).roles("USER").build());
    }

    @Bean
    RegisteredClientRepository clients(TestServerSettings settings) {
        RegisteredClient mailer = RegisteredClient.withId(MAILER_REGISTRATION)
                .clientId(settings.clientId())
                .clientSecret("{noop}" + settings.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .redirectUris(uris -> uris.addAll(settings.redirectUris()))
                .scopes(scopes -> scopes.addAll(settings.scopes()))
                // no consent page in the authorization code flow (for the device flow see consents())
                .clientSettings(ClientSettings.builder()
                        .requireAuthorizationConsent(false)
                        .requireProofKey(settings.requirePkce())
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(settings.accessTokenTtl())
                        .refreshTokenTimeToLive(settings.refreshTokenTtl())
                        .deviceCodeTimeToLive(settings.deviceCodeTtl())
                        // rotation: every refresh answers a new refresh token and retires the old one
                        .reuseRefreshTokens(false)
                        .build())
                .build();
        RegisteredClient smtpServer = RegisteredClient.withId(SMTP_SERVER_REGISTRATION)
                .clientId(INTROSPECTION_CLIENT_ID)
                .clientSecret("{noop}" + INTROSPECTION_CLIENT_SECRET)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .build();
        return new InMemoryRegisteredClientRepository(mailer, smtpServer);
    }

    /**
     * The user's consent to every scope of the mail client, stored from the start (as for an app an
     * administrator consented to). Needed for the device flow: Spring's device verification shows its
     * consent page whenever no stored consent covers the requested scopes, whatever
     * {@code requireAuthorizationConsent} says. So approving a device code is: log in, submit the code.
     */
    @Bean
    OAuth2AuthorizationConsentService consents(TestServerSettings settings) {
        InMemoryOAuth2AuthorizationConsentService consents = new InMemoryOAuth2AuthorizationConsentService();
        if (!settings.scopes().isEmpty()) {
            OAuth2AuthorizationConsent.Builder consent = OAuth2AuthorizationConsent.withId(MAILER_REGISTRATION, settings.username());
            settings.scopes().forEach(consent::scope);
            consents.save(consent.build());
        }
        return consents;
    }

    /**
     * No fixed issuer: the port is only known once Tomcat has bound it, so Spring derives the issuer
     * from each request's URL. The connector's proxy name pins the host part to 127.0.0.1, so the
     * issuer is {@code http://127.0.0.1:PORT} also for a client that came through {@code localhost}.
     */
    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        return AuthorizationServerSettings.builder().tokenIntrospectionEndpoint(INTROSPECTION_ENDPOINT).build();
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> issuerHost() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setProxyName("127.0.0.1"));
    }
}

package dev.mailer.health.impl;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.ConnectionCheck;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.commons.config.ConfigReader;

/**
 * Health check "configuration valid": the mail service is active with a valid configuration, and so
 * is the token provider when it is configured or the mail service needs it. An invalid configuration
 * keeps our components active (failing each call with the reason), so beyond their state as DS
 * reports it, their own verdict is asked: the mail service's configuration step, the token
 * provider's status. No network I/O. Delayed: nothing loads it unless a health check executor asks.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + ConfigurationCheck.NAME,
    HealthCheck.TAGS + "=" + MailerChecks.TAG,
    HealthCheck.TAGS + "=" + MailerChecks.TAG_SYSTEM_READY})
@Designate(ocd = ConfigurationCheck.Config.class)
public class ConfigurationCheck implements HealthCheck {

    static final String NAME = "Mailer configuration";

    @ObjectClassDefinition(name = "Mailer health check: configuration",
            description = "Whether the mail service and, when used, the OAuth2 token provider run with a valid configuration.")
    @interface Config {
        @AttributeDefinition(name = "Name")
        String hc_name() default NAME;

        @AttributeDefinition(name = "Tags")
        String[] hc_tags() default {MailerChecks.TAG, MailerChecks.TAG_SYSTEM_READY};
    }

    private final ServiceComponentRuntime scr;

    /** The mail service's verdict on its configuration, once it is registered. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ConnectionCheck connectionCheck;

    /** The token provider's status, once it is registered. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile OAuthTokenManager tokenManager;

    @Activate
    public ConfigurationCheck(@Reference ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        ComponentState mail = ComponentState.of(scr, MailerChecks.MAIL_SERVICE);
        mailService(mail, log);
        tokenProvider(ComponentState.of(scr, MailerChecks.TOKEN_PROVIDER), oauthFlow(mail), log);
        return new Result(log);
    }

    private void mailService(ComponentState mail, FormattingResultLog log) {
        ConnectionCheck check = connectionCheck;
        if (!active(MailerChecks.MAIL_SERVICE, "mailer-core", mail, HealthTexts.noMailConfiguration(), log) || check == null) {
            return;
        }
        CheckStep step = check.checkConfiguration();
        StepLog.add(log, step, HealthTexts.mailConfigurationStep(step));
    }

    private void tokenProvider(ComponentState token, boolean needed, FormattingResultLog log) {
        if (!needed && (token.kind == ComponentState.Kind.NO_CONFIGURATION || token.kind == ComponentState.Kind.MISSING)) {
            log.info("{}", HealthTexts.tokenProviderNotConfigured());
            return;
        }
        OAuthTokenManager manager = tokenManager;
        if (!active(MailerChecks.TOKEN_PROVIDER, "mailer-oauth", token, HealthTexts.oauthFlowWithoutProvider(), log)
                || manager == null) {
            return;
        }
        TokenStatus status = manager.getStatus();
        // no grant type: the provider could not read its configuration, and says why
        if (status.getGrantType() == null && status.getLastError().isPresent()) {
            log.critical("{}", HealthTexts.tokenProviderConfigurationInvalid(status.getLastError().get()));
        }
    }

    /**
     * Reports what DS says of {@code component}.
     *
     * @param noConfiguration what to say when it has no configuration
     * @return true when it is active
     */
    private static boolean active(String component, String bundle, ComponentState state, String noConfiguration,
            FormattingResultLog log) {
        switch (state.kind) {
            case MISSING:
                log.critical("{}", HealthTexts.missing(component, bundle));
                return false;
            case DISABLED:
                log.critical("{}", HealthTexts.disabled(component));
                return false;
            case NO_CONFIGURATION:
                log.critical("{}", noConfiguration);
                return false;
            case UNSATISFIED:
                log.critical("{}", HealthTexts.unsatisfied(component, state.detail));
                return false;
            case FAILED:
                log.critical("{}", HealthTexts.activationFailed(component, state.detail));
                return false;
            default:
                log.info("{}", HealthTexts.active(component));
                return true;
        }
    }

    /** Whether the mail service authenticates with the token provider's tokens, read as the mail service reads it. */
    private static boolean oauthFlow(ComponentState mail) {
        return new ConfigReader(mail.properties).bool(MailerChecks.OAUTH_FLOW, false);
    }
}

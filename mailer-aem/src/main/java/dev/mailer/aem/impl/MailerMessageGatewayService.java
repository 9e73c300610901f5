package dev.mailer.aem.impl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.day.cq.mailer.MessageGateway;
import com.day.cq.mailer.MessageGatewayService;

/**
 * AEM's {@link MessageGatewayService}, ranked above AEM's own ({@code service.ranking} 1000), so that
 * components referencing {@code MessageGatewayService} get this one: it hands out the highest-ranked
 * {@link MessageGateway} that handles the type asked for, which for Commons Email is ours
 * ({@link CommonsEmailGateway}); other types go to whichever gateway handles them, AEM's included.
 */
@Component(service = MessageGatewayService.class, property = "service.ranking:Integer=" + CommonsEmailGateway.RANKING)
@Designate(ocd = MailerMessageGatewayService.Config.class)
public class MailerMessageGatewayService implements MessageGatewayService {

    /** For the metatype only: a configuration's service.ranking overrides the component property. */
    @ObjectClassDefinition(name = "Mailer: AEM message gateway service",
            description = "Hands AEM workflows the mailer's gateway for Commons Email (and any other registered gateway).")
    public @interface Config {
        @AttributeDefinition(name = "Service ranking", description = "Above AEM's Day CQ Mail Service (0), so that"
                + " references to MessageGatewayService bind this one.")
        int service_ranking() default CommonsEmailGateway.RANKING;
    }

    /** Every gateway, in service order: lowest ranking first (DS keeps a dynamic multiple reference so). */
    @Reference(service = MessageGateway.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<MessageGateway<?>> gateways = new CopyOnWriteArrayList<>();

    @Override
    @SuppressWarnings("unchecked")
    public <T> MessageGateway<T> getGateway(Class<? extends T> type) {
        List<MessageGateway<?>> current = gateways;
        for (int i = current.size() - 1; i >= 0; i--) {
            MessageGateway<Object> gateway = (MessageGateway<Object>) current.get(i);
            if (gateway.handles((Class<Object>) type)) {
                return (MessageGateway<T>) gateway;
            }
        }
        return null;
    }
}

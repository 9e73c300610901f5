package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.osgiconfig.ConfigFiles;

/**
 * The repoinit and service user mapping shipped for Sling and AEM (mailer-sling/) are those the repository token
 * store needs: its service user, mapped from its bundle's sub-service, allowed to read and write the default
 * tokenRepositoryPath. ClusterTokenChainIT shows them working on Oak.
 */
class RepositoryTokenStoreConfigurationTest {

    @Test
    void theShippedRepoinitCreatesTheServiceUserAndTheDefaultPathWithReadAndWriteRightsForIt() throws Exception {
        Map<String, Object> repoinit = ConfigFiles.raw("mailer-sling/org.apache.sling.jcr.repoinit.RepositoryInitializer~mailer.cfg.json");
        String user = RepositoryTokenStore.SERVICE_USER;
        String path = OAuthSettings.DEFAULT_TOKEN_REPOSITORY_PATH;

        assertArrayEquals(new String[] {"create service user " + user + " with path system/mailer\n"
                + "create path (sling:Folder) " + path + "\n"
                + "set ACL for " + user + "\n"
                + "  allow jcr:read,rep:write on " + path + "\n"
                + "end\n"}, (Object[]) repoinit.get("scripts"));
    }

    @Test
    void theShippedMappingGivesTheTokenStoresSubServiceOfMailerOAuthTheServiceUser() throws Exception {
        Map<String, Object> mapping = ConfigFiles.raw(
                "mailer-sling/org.apache.sling.serviceusermapping.impl.ServiceUserMapperImpl.amended~mailer.cfg.json");

        assertEquals(1, ((Object[]) mapping.get("user.mapping")).length);
        assertEquals(RepositoryTokenStore.BUNDLE + ":" + RepositoryTokenStore.SUBSERVICE + "=[" + RepositoryTokenStore.SERVICE_USER
                + "]", ((Object[]) mapping.get("user.mapping"))[0]);
    }
}

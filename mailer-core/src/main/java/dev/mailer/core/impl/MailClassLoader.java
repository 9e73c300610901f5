package dev.mailer.core.impl;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;

import org.eclipse.angus.activation.MailcapRegistryProviderImpl;

import jakarta.mail.Session;

/**
 * The context class loader for a send. Jakarta Activation looks up, through the thread's context
 * class loader, both its registry provider ({@code META-INF/services}, in the angus-activation
 * bundle) and the content handlers for {@code multipart/*} ({@code META-INF/mailcap}, in the Angus
 * mail bundle). In OSGi no single bundle sees both, and a workflow thread's own loader sees
 * neither, so multipart messages would fail with "no object DCH for MIME type multipart/mixed".
 * This loader sees both bundles. On a flat class path both are the same loader.
 */
final class MailClassLoader extends ClassLoader {

    /** One instance: Jakarta Activation caches its command map per context class loader. */
    static final ClassLoader INSTANCE = create();

    private final ClassLoader activation;

    private MailClassLoader(ClassLoader mail, ClassLoader activation) {
        super(mail);
        this.activation = activation;
    }

    private static ClassLoader create() {
        ClassLoader mail = Session.class.getClassLoader();
        ClassLoader activation = MailcapRegistryProviderImpl.class.getClassLoader();
        return mail == activation ? mail : new MailClassLoader(mail, activation);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        return activation.loadClass(name);
    }

    @Override
    protected URL findResource(String name) {
        return activation.getResource(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return activation.getResources(name);
    }
}

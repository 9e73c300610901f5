package dev.mailer.it.support;

import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;

/**
 * Adds an HTTP Whiteboard to the container of {@link ContainerSetup}: Felix HTTP Jetty (4.x,
 * javax.servlet 3.1, as AEM 6.5 has) and the mailer-oauth-web bundle, from target/web-bundles,
 * listening on 127.0.0.1 only, on a port free when the container is set up. Only the test classes
 * that use it get HTTP; the others run without, as the launcher does.
 */
public final class WebContainer {

    /** The framework property Felix HTTP reads its port from. */
    private static final String PORT = "org.osgi.service.http.port";

    private WebContainer() {
    }

    /** {@code base} plus the web bundles and their settings (driver side, before the framework exists). */
    public static Option[] withHttp(Option[] base) {
        List<Option> options = new ArrayList<>(List.of(base));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        options.add(frameworkProperty(PORT).value(Integer.toString(freePort())));
        options.addAll(ContainerSetup.bundlesIn(ItPaths.webBundles()));
        return options.toArray(new Option[0]);
    }

    /** Where the whiteboard answers, e.g. {@code http://127.0.0.1:40123} (inside Felix). */
    public static String baseUrl(BundleContext context) {
        String port = context.getProperty(PORT);
        if (port == null) {
            throw new IllegalStateException(PORT + " is not set: the test class's @Configuration must use WebContainer.withHttp");
        }
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1 for the HTTP Whiteboard", e);
        }
    }
}

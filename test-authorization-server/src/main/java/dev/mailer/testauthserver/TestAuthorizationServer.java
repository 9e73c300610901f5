package dev.mailer.testauthserver;

import java.io.IOException;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Authorization Server for the integration tests, run as a child process by it.tests'
 * {@code DeviceFlowServer}: {@code java -cp target/classes:<target/classpath.txt>
 * dev.mailer.testauthserver.TestAuthorizationServer --test-as.client-id=... ...} (the settings are
 * {@link TestServerSettings}). It binds 127.0.0.1 on a free port and, once it serves requests,
 * prints {@code LISTENING http://127.0.0.1:PORT} on stdout: that URL is also its issuer.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableConfigurationProperties(TestServerSettings.class)
public class TestAuthorizationServer {

    /** The line the parent waits for; the issuer URL follows it. */
    public static final String LISTENING = "LISTENING ";

    public static void main(String[] args) {
        // one line per record in the parent's log file, also from the loggers outside Boot's format (Tomcat)
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
        ConfigurableApplicationContext context = SpringApplication.run(TestAuthorizationServer.class, args);
        if (context.getEnvironment().getProperty("test-as.exit-with-stdin", Boolean.class, false)) {
            exitWhenStdinCloses(context);
        }
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        System.out.println(LISTENING + "http://127.0.0.1:" + port);
        System.out.flush();
    }

    /**
     * The parent holds our stdin open and never writes to it: end of input means it has gone (also
     * when it was killed), so no server outlives the test run.
     */
    private static void exitWhenStdinCloses(ConfigurableApplicationContext context) {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing is expected; keep reading until the end
                }
            } catch (IOException e) {
                // a broken pipe means the same as the end of input
            }
            System.exit(SpringApplication.exit(context));
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}

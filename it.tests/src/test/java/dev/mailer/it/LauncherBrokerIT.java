package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.Test;

import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.smtp.SmtpDialogue;

/**
 * Issue 20's token broker as an operator runs it: {@code serve} with {@code BROKER_SOCKET}; a local tool asks
 * the socket for the XOAUTH2 client response and logs in with it at the Office 365 stand-in of
 * {@link LauncherOAuthTestBase} (STARTTLS, each token introspected at the OAuth2 server).
 */
public class LauncherBrokerIT extends LauncherOAuthTestBase {

    @Test
    public void theSocketHandsOutAnXoauth2ResponseTheSmtpServerAccepts() throws Exception {
        Path socket = temp.getRoot().toPath().resolve("token.sock");
        Map<String, String> env = env("office365-app");
        env.put("BROKER_SOCKET", socket.toString());
        LauncherProcess.Running serve = LauncherProcess.start(workDir, env, temp.getRoot().toPath().resolve("output"), "serve");
        try {
            serve.awaitStderr(Pattern.compile("token broker: listening on " + Pattern.quote(socket.toString())), RUN_DEADLINE);
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            String response = ask(socket, "XOAUTH2 " + MAILBOX).strip();
            try (SmtpDialogue tool = new SmtpDialogue(smtp.port())) {
                tool.command("EHLO tool");
                assertTrue(tool.startTls(pki.clientContext()).startsWith("220"));
                tool.command("EHLO tool");
                assertTrue(tool.command("AUTH XOAUTH2").startsWith("334"));
                String login = tool.command(response);
                assertTrue(login, login.startsWith("235"));
            }
            serve.awaitStderr(Pattern.compile("token broker: handed XOAUTH2 for " + Pattern.quote(MAILBOX) + " to user "), RUN_DEADLINE);
        } finally {
            assertNoSecretIn(serve.terminate(RUN_DEADLINE));
        }
    }

    private static String ask(Path socket, String request) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package dev.mailer.broker.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.commons.sasl.Xoauth2ClientResponse;

/** The broker on a real Unix domain socket in a temporary folder, with a token provider that hands out fixed tokens. */
class TokenBrokerTest {

    private static final String TOKEN = "eyJ0eXAiOiJKV1QifQ.access-s3cret.sig";

    @TempDir
    Path dir;

    private Path socket;
    private TokenBroker broker;
    private volatile MailException failure;

    private final OAuthConfigurationProvider provider = new OAuthConfigurationProvider() {
        @Override
        public String getAccessToken() throws MailException {
            if (failure != null) {
                throw failure;
            }
            return TOKEN;
        }

        @Override
        public void invalidateAccessToken(String rejectedToken) {
        }
    };

    @BeforeEach
    void start() throws IOException {
        // others may enter the folder: only the socket file's own permissions keep them out
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("token.sock");
        broker = new TokenBroker(config(Map.of()), 1000);
        broker.bindProvider(provider, Map.of());
        assertTrue(broker.isListening());
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    @Test
    void tokenGivesTheAccessTokenAndXoauth2TheClientResponseForTheUser() throws IOException {
        assertEquals(TOKEN + "\n", ask("TOKEN\n"));
        assertEquals(Xoauth2ClientResponse.base64("jane@example.com", TOKEN) + "\n", ask("XOAUTH2 jane@example.com\n"));
    }

    @Test
    void anythingElseOrAProviderFailureIsAnErrorLineWithoutAToken() throws IOException {
        assertEquals("ERROR unknown request: send TOKEN or XOAUTH2 user@example.com\n", ask("PASSWORD\n"));
        failure = MailException.permanentFailure("The token endpoint refused the refresh token (invalid_grant).").build();
        assertEquals("ERROR The token endpoint refused the refresh token (invalid_grant).\n", ask("TOKEN\n"));
    }

    @Test
    void theSocketFileIsForItsOwnerAndGroupOnly() throws IOException {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void aCallerWithoutPermissionOnTheSocketFileCannotReadATokenFromIt() throws Exception {
        if (isRoot()) {
            // root passes every permission check: ask as the user nobody, who is neither owner nor group
            Path client = Files.writeString(dir.resolve("Ask.java"), ASK_SOURCE);
            Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
            Process process = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                    javaCommand(), client.toString(), socket.toString()).redirectErrorStream(true).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the client as nobody ends");
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertNotEquals(0, process.exitValue(), output);
            assertTrue(output.contains("Permission denied") || output.contains("AccessDenied"), output);
            assertFalse(output.contains(TOKEN), output);
        } else {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("---------"));
            IOException denied = assertThrows(IOException.class, () -> ask("TOKEN\n"));
            assertTrue(String.valueOf(denied.getMessage()).contains("Permission denied"), String.valueOf(denied));
        }
        assertEquals(TOKEN + "\n", askAsOwner(), "the owner still can");
    }

    @Test
    void settingsThatLetEveryoneReadTokensAreRefused() {
        TokenBroker open = new TokenBroker(config(Map.of("broker.socket", dir.resolve("open.sock").toString(),
                "broker.permissions", "rw-rw-rw-")), 1000);
        assertFalse(open.isListening());
        assertFalse(Files.exists(dir.resolve("open.sock")));
    }

    private String askAsOwner() throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        return ask("TOKEN\n");
    }

    private String ask(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Map<String, Object> config(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>();
        config.put("broker.socket", socket.toString());
        config.put("service.pid", BrokerSettings.PID);
        config.putAll(settings);
        return config;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A client of the socket, run as another user (java's source-file mode): prints the answer, or the error. */
    private static final String ASK_SOURCE = String.join("\n",
            "import java.net.*; import java.nio.*; import java.nio.channels.*; import java.nio.charset.*;",
            "public class Ask { public static void main(String[] a) throws Exception {",
            "  try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {",
            "    c.connect(UnixDomainSocketAddress.of(a[0]));",
            "    c.write(ByteBuffer.wrap(\"TOKEN\\n\".getBytes(StandardCharsets.UTF_8)));",
            "    System.out.print(new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8));",
            "  } } }", "");
}

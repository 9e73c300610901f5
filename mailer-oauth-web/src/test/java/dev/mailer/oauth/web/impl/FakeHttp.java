package dev.mailer.oauth.web.impl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Just enough of a servlet request and response for the servlets: dynamic proxies that answer the
 * methods the servlets call and fail on any other, so that a new call shows up in the tests.
 */
final class FakeHttp {

    private FakeHttp() {
    }

    /** A request as the container hands it over: {@code remoteUser} is who its login established (or null). */
    static HttpServletRequest request(String method, String path, String remoteUser, Map<String, String[]> parameters) {
        return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "getMethod": return method;
                        case "getRemoteUser": return remoteUser;
                        case "getRequestURI": return path;
                        case "getParameterMap": return parameters;
                        case "getParameter": {
                            String[] values = parameters.get((String) args[0]);
                            return values == null || values.length == 0 ? null : values[0];
                        }
                        case "toString": return "FakeRequest[" + method + " " + path + "]";
                        default: throw new UnsupportedOperationException("FakeHttp request: " + m.getName());
                    }
                });
    }

    /** Records status, headers and body. */
    static final class Response {
        int status = HttpServletResponse.SC_OK;
        String contentType;
        final Map<String, String> headers = new LinkedHashMap<>();
        private final StringWriter body = new StringWriter();
        private final PrintWriter writer = new PrintWriter(body);

        final HttpServletResponse proxy = (HttpServletResponse) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus": status = (Integer) args[0]; return null;
                        case "setHeader": headers.put(((String) args[0]).toLowerCase(Locale.ROOT), (String) args[1]); return null;
                        case "setContentType": contentType = (String) args[0]; return null;
                        case "setCharacterEncoding": return null;
                        case "getWriter": return writer;
                        case "toString": return "FakeResponse[" + status + "]";
                        default: throw new UnsupportedOperationException("FakeHttp response: " + m.getName());
                    }
                });

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String body() {
            writer.flush();
            return body.toString();
        }

        @Override
        public String toString() {
            return status + " " + headers + "\n" + body();
        }
    }
}

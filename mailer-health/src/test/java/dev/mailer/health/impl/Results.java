package dev.mailer.health.impl;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

/** A health check result as text, for assertions. */
final class Results {

    private Results() {
    }

    /** Each entry as {@code STATUS message}, in order. */
    static List<String> lines(Result result) {
        List<String> lines = new ArrayList<>();
        for (ResultLog.Entry entry : result) {
            lines.add(entry.getStatus() + " " + entry.getMessage());
        }
        return lines;
    }

    /** The entries of {@code result} joined, for failure messages and contains-checks. */
    static String text(Result result) {
        return String.join("\n", lines(result));
    }
}

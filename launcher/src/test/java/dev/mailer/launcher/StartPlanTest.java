package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StartPlanTest {

    @Test
    void oneShotCommandsSkipTheShellMetatypeAndHealthChecksAndStartEverythingElse() {
        for (String command : new String[] {"send", "check", "token", "queue", "authorize", "encrypt", "reencrypt"}) {
            StartPlan plan = StartPlan.forCommand(command);
            assertTrue(plan.isOneShot(), command);
            assertEquals(StartPlan.Step.SKIP, plan.step("org.apache.felix.gogo.runtime"), command);
            assertEquals(StartPlan.Step.SKIP, plan.step("org.apache.felix.metatype"), command);
            assertEquals(StartPlan.Step.SKIP, plan.step("dev.mailer.mailer-health"), command);
            assertEquals(StartPlan.Step.START, plan.step("dev.mailer.core"), command);
            assertEquals(StartPlan.Step.START, plan.step("org.apache.felix.scr"), command);
            assertEquals(StartPlan.Step.START, plan.step("org.apache.felix.fileinstall"), command);
        }
    }

    @Test
    void serveStartsEverythingButTheShellWhichMustStillResolve() {
        StartPlan plan = StartPlan.forCommand("serve");
        assertFalse(plan.isOneShot());
        assertEquals(StartPlan.Step.RESOLVE, plan.step("org.apache.felix.gogo.shell"));
        assertEquals(StartPlan.Step.START, plan.step("org.apache.felix.metatype"));
        assertEquals(StartPlan.Step.START, plan.step("dev.mailer.mailer-health"));
    }

    @Test
    void theShellStartsEverythingWithGogoLast() {
        StartPlan plan = StartPlan.forCommand(null);
        assertFalse(plan.isOneShot());
        assertEquals(StartPlan.Step.START, plan.step("org.apache.felix.gogo.shell"));
        assertTrue(plan.startsLast("org.apache.felix.gogo.shell"));
        assertFalse(plan.startsLast("dev.mailer.core"));
        assertEquals(StartPlan.Step.START, plan.step("dev.mailer.mailer-health"));
    }

    @Test
    void theRelaysAndTheBrokersConfigurationIsReadByTheRunsThatKeepRunningAndByCheckOnly() {
        assertTrue(StartPlan.forCommand("serve").withLocalServices());
        assertTrue(StartPlan.forCommand(null).withLocalServices());
        assertTrue(StartPlan.forCommand("check").withLocalServices());
        for (String command : new String[] {"send", "token", "queue", "authorize", "encrypt", "reencrypt"}) {
            assertFalse(StartPlan.forCommand(command).withLocalServices(), command);
        }
    }
}

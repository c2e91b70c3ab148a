package org.portcullis.auth.store.tck.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The mutation proof: every contract suite, run against each deliberately broken store, fails,
 * and among its failures is the check aimed at that store's bug; the same harness run against
 * the obviously right reference store passes every check and skips none, so the failures are the
 * suite's doing and not the harness's.
 */
@DisplayName("the contract suites catch every broken store")
class BrokenStoresAreCaughtTest {

    /**
     * The outcome of one suite run: how many checks ran, the method names of those that failed,
     * and for each failure its check's display name and message.
     */
    private record Run(long succeeded, long skipped, List<String> failed, Map<String, String> messages) {
    }

    private static synchronized Run run(Class<?> suite, Mutant<?, ?> mutant) {
        MutantSuites.current = mutant;
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(suite))
                    .configurationParameter(OnlyUnderMutationHarness.KEY, "true")
                    .build();
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(request, listener);
            TestExecutionSummary summary = listener.getSummary();
            List<String> failed = summary.getFailures().stream()
                    .map(f -> f.getTestIdentifier().getUniqueId())
                    .map(id -> id.substring(id.lastIndexOf("[method:") + "[method:".length(), id.lastIndexOf('(')))
                    // An inherited check is named "DeclaringClass#method".
                    .map(method -> method.substring(method.lastIndexOf('#') + 1))
                    .toList();
            Map<String, String> messages = new LinkedHashMap<>();
            summary.getFailures().forEach(f -> messages.put(f.getTestIdentifier().getDisplayName(),
                    String.valueOf(f.getException().getMessage())));
            return new Run(summary.getTestsSucceededCount(), summary.getTestsSkippedCount()
                    + summary.getTestsAbortedCount(), failed, messages);
        } finally {
            MutantSuites.current = null;
        }
    }

    /**
     * The checks of one SPI: the control, then each broken store.
     *
     * @param skipped how many checks the control may skip: only encryption at rest (two checks for keys), which a store
     *                that keeps keys in memory does not declare
     */
    private static <D, S> DynamicNode spi(String name, Class<?> suite, int skipped, Mutant<D, S> reference,
                                          List<Mutant<D, S>> broken) {
        Stream<DynamicNode> control = Stream.of(dynamicTest("the reference " + name + " passes every check", () -> {
            Run run = run(suite, reference);
            assertThat(run.failed()).as("checks the reference store fails").isEmpty();
            assertThat(run.skipped()).as("checks skipped").isEqualTo(skipped);
            assertThat(run.succeeded()).isGreaterThan(10);
        }));
        Stream<DynamicNode> mutants = broken.stream().map(m -> dynamicTest(m.name() + " (caught by " + m.caughtBy() + ")",
                () -> {
                    Run run = run(suite, m);
                    assertThat(run.failed()).as("checks failed by a store where %s", m.name()).contains(m.caughtBy());
                    // Every failure names the broken store's class and the behaviour it breaks.
                    run.messages().forEach((check, message) -> assertThat(message).as(check)
                            .startsWith("org.portcullis.auth.store.tck.mutation.")
                            .contains(" breaks \"" + check + "\"\n"));
                }));
        return dynamicContainer(name, Stream.concat(control, mutants));
    }

    @TestFactory
    @DisplayName("each broken store fails the check aimed at its bug; the reference stores pass")
    Stream<DynamicNode> everyBrokenStoreIsCaught() {
        return Stream.of(
                spi("SessionStore", MutantSuites.Sessions.class, 0, SessionMutants.reference(), SessionMutants.all()),
                spi("UserStore", MutantSuites.Users.class, 0, UserMutants.reference(), UserMutants.all()),
                spi("AttemptStore", MutantSuites.Attempts.class, 0, AttemptMutants.reference(), AttemptMutants.all()),
                spi("AuditLog", MutantSuites.Audit.class, 0, AuditMutants.reference(), AuditMutants.all()),
                spi("SigningKeyStore", MutantSuites.Keys.class, 2, KeyMutants.reference(), KeyMutants.all()),
                spi("ExternalIdentityStore", MutantSuites.ExternalIdentities.class, 0, ExternalIdentityMutants.reference(),
                        ExternalIdentityMutants.all()));
    }
}

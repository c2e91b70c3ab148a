package org.portcullis.auth.store.memory.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Mutation check: the contract suites, run against deliberately broken stores, must
 * fail; and the same harness run against the correct store must pass, so that the failures are
 * the suite's doing and not the harness's.
 */
@DisplayName("the contract suites catch broken stores")
class BrokenStoresAreCaughtTest {

    private static TestExecutionSummary run(Class<?> suite) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(suite))
                .configurationParameter(OnlyUnderMutationHarness.KEY, "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    private static List<String> failedMethods(TestExecutionSummary summary) {
        return summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getUniqueId())
                .map(id -> id.substring(id.lastIndexOf("[method:") + "[method:".length(), id.lastIndexOf('(')))
                .toList();
    }

    @Test
    @DisplayName("the correct in-memory store passes through the same harness")
    void control() {
        TestExecutionSummary summary = run(BrokenStoreSuites.CorrectStoreSuite.class);
        assertThat(summary.getTestsSucceededCount()).isGreaterThan(30);
        assertThat(summary.getContainersSkippedCount()).isZero();
        assertThat(failedMethods(summary)).isEmpty();
    }

    static Stream<Arguments> brokenStores() {
        return Stream.of(
                Arguments.of("a rotate that does not compare", BrokenStoreSuites.RotateWithoutCompareSuite.class,
                        "secondRotationLoses"),
                Arguments.of("a revokeAll that forgets one session", BrokenStoreSuites.RevokeAllForgetsOneSuite.class,
                        "revokeAll"),
                Arguments.of("an expiry one second late", BrokenStoreSuites.ExpiryOneSecondLateSuite.class,
                        "atIdle"),
                Arguments.of("a purge that ignores the batch limit", BrokenStoreSuites.PurgeIgnoresLimitSuite.class,
                        "batches"),
                Arguments.of("a password-hash change that does not compare",
                        BrokenStoreSuites.HashChangeWithoutCompareSuite.class, "keeps"),
                Arguments.of("a throttling window that closes one second late",
                        BrokenStoreSuites.WindowOneSecondLateSuite.class, "closedAtEnd"),
                Arguments.of("an audit query whose time range includes its end",
                        BrokenStoreSuites.InclusiveRangeEndSuite.class, "byRange"),
                Arguments.of("signing keys deleted one second after they expire",
                        BrokenStoreSuites.KeyExpiryOneSecondLateSuite.class, "boundary"));
    }

    @ParameterizedTest(name = "{0} fails the suite")
    @MethodSource("brokenStores")
    @DisplayName("each broken store fails at least one contract check, including the one aimed at its bug")
    void caught(String bug, Class<?> suite, String expectedFailure) {
        TestExecutionSummary summary = run(suite);
        assertThat(summary.getTotalFailureCount()).as(bug).isPositive();
        assertThat(failedMethods(summary)).as(bug).contains(expectedFailure);
    }
}

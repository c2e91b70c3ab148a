package org.portcullis.auth.store.tck.mutation;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the broken-store suites from running anywhere but inside {@link BrokenStoresAreCaughtTest}:
 * they are meant to fail, so a build that picks them up by a wide {@code -Dtest} pattern or an IDE
 * "run all" sees them skipped, not red.
 */
final class OnlyUnderMutationHarness implements ExecutionCondition {

    static final String KEY = "portcullis.mutation.harness";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getConfigurationParameter(KEY).map(Boolean::parseBoolean).orElse(false)
                ? ConditionEvaluationResult.enabled("run by the mutation harness")
                : ConditionEvaluationResult.disabled("a deliberately broken store: run only by BrokenStoresAreCaughtTest");
    }
}

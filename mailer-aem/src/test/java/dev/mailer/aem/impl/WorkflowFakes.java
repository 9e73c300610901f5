package dev.mailer.aem.impl;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.adobe.granite.workflow.WorkflowSession;
import com.adobe.granite.workflow.exec.HistoryItem;
import com.adobe.granite.workflow.exec.WorkItem;
import com.adobe.granite.workflow.exec.Workflow;
import com.adobe.granite.workflow.exec.WorkflowData;
import com.adobe.granite.workflow.metadata.MetaDataMap;
import com.adobe.granite.workflow.model.WorkflowNode;

/**
 * Fakes of the Granite workflow API (no AEM here): only what the step calls answers, with a fixed
 * value or, for an {@link Answer}, with what it computes from the arguments.
 */
final class WorkflowFakes {

    private WorkflowFakes() {
    }

    /** A metadata map backed by a HashMap. */
    static final class Metadata extends HashMap<String, Object> implements MetaDataMap {
        private static final long serialVersionUID = 1L;

        Metadata(Map<String, Object> values) {
            super(values);
        }

        @Override
        public <T> T get(String name, Class<T> type) {
            Object value = get(name);
            return type.isInstance(value) ? type.cast(value) : null;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(String name, T defaultValue) {
            Object value = get(name);
            return value != null && defaultValue != null && defaultValue.getClass().isInstance(value) ? (T) value : defaultValue;
        }
    }

    static MetaDataMap processArgs(String args) {
        return new Metadata(Map.of("PROCESS_ARGS", args));
    }

    static WorkItem workItem(String payload, String initiator, Map<String, Object> workflowMetadata) {
        WorkflowData data = fake(WorkflowData.class, Map.of("getPayload", payload, "getPayloadType", "JCR_PATH",
                "getMetaDataMap", new Metadata(workflowMetadata)));
        Workflow workflow = fake(Workflow.class, Map.of("getId", "/var/workflow/instances/wf-1", "getInitiator", initiator,
                "getWorkflowData", data));
        return fake(WorkItem.class, Map.of("getId", "wf-1/item-2", "getWorkflow", workflow, "getWorkflowData", data));
    }

    static WorkflowSession session() {
        return fake(WorkflowSession.class, Map.of());
    }

    /** A session whose workflow history is {@code history}, whatever the workflow. */
    static WorkflowSession session(List<HistoryItem> history) {
        return fake(WorkflowSession.class, Map.of("getHistory", history));
    }

    /** What {@code userId} did in a step of {@code nodeType} ({@link WorkflowNode#TYPE_PARTICIPANT}, ...). */
    static HistoryItem done(String userId, String nodeType) {
        WorkflowNode node = fake(WorkflowNode.class, Map.of("getType", nodeType));
        WorkItem item = fake(WorkItem.class, Map.of("getNode", node));
        return fake(HistoryItem.class, Map.of("getUserId", userId, "getWorkItem", item));
    }

    /** Computes a fake's answer from the call's arguments. */
    @FunctionalInterface
    interface Answer {
        Object answer(Object[] args) throws Exception;
    }

    static <T> T fake(Class<T> type, Map<String, ?> answers) {
        return type.cast(Proxy.newProxyInstance(WorkflowFakes.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (answers.containsKey(method.getName())) {
                Object answer = answers.get(method.getName());
                return answer instanceof Answer ? ((Answer) answer).answer(args) : answer;
            }
            if (method.getName().equals("toString")) {
                return "fake " + type.getSimpleName();
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName() + " is not faked");
        }));
    }
}

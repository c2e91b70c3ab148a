package org.portcullis.auth.spring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

/**
 * Matches a request that Spring MVC would hand to its static resource handler, and nothing else.
 * A path matcher alone ({@code /images/**}) would also open an application's own controller
 * mapped under that path; this asks the handler mappings, in the order the
 * {@code DispatcherServlet} asks them, which handler the request would reach, and matches only a
 * {@link ResourceHttpRequestHandler}. A mapping that throws (a controller path asked with another
 * method, say) does not match: the request then needs a token (access control fails closed on an exception, OWASP ASVS v4 4.1.5).
 *
 * <p>The lookup runs on a copy of the request's attributes, so the real dispatch later starts from
 * a clean request. The mappings are read from the context on first use. Thread-safe.
 */
final class StaticResourceHandlerMatcher implements RequestMatcher {

    private final ListableBeanFactory beans;
    private volatile List<HandlerMapping> mappings;

    StaticResourceHandlerMatcher(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        HttpServletRequest probe = new DetachedAttributes(request);
        for (HandlerMapping mapping : mappings()) {
            HandlerExecutionChain chain;
            try {
                chain = mapping.getHandler(probe);
            } catch (Exception e) {
                return false;
            }
            if (chain != null) {
                return chain.getHandler() instanceof ResourceHttpRequestHandler;
            }
        }
        return false;
    }

    private List<HandlerMapping> mappings() {
        List<HandlerMapping> found = mappings;
        if (found == null) {
            // What DispatcherServlet.initHandlerMappings detects: every HandlerMapping bean, in order.
            List<HandlerMapping> all = new ArrayList<>(BeanFactoryUtils.beansOfTypeIncludingAncestors(
                    beans, HandlerMapping.class, true, false).values());
            AnnotationAwareOrderComparator.sort(all);
            found = List.copyOf(all);
            mappings = found;
        }
        return found;
    }

    /** The request with attributes of its own: writes and removals stay in the copy. */
    private static final class DetachedAttributes extends HttpServletRequestWrapper {

        private final Map<String, Object> written = new HashMap<>();
        private final Set<String> removed = new HashSet<>();

        DetachedAttributes(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Object getAttribute(String name) {
            if (written.containsKey(name)) {
                return written.get(name);
            }
            return removed.contains(name) ? null : super.getAttribute(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            Set<String> names = new HashSet<>(Collections.list(super.getAttributeNames()));
            names.removeAll(removed);
            names.addAll(written.keySet());
            return Collections.enumeration(names);
        }

        @Override
        public void setAttribute(String name, Object value) {
            if (value == null) {
                removeAttribute(name);
                return;
            }
            removed.remove(name);
            written.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            written.remove(name);
            removed.add(name);
        }
    }
}

package io.github.redisstreamclient.test;

import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * JUnit extension, usually applied through {@link RedisTest}, that resolves {@link RedisServer} and
 * {@link LettuceConnectionFactory} parameters of constructors, lifecycle methods and test methods.
 * <ul>
 * <li>A {@link RedisServer} is shared by all tests of a class, including its {@code @Nested} classes. It is started
 * on first request with the {@link RedisTest#args()} of the nearest annotated class and closed when the class is
 * done, whether its tests passed or not.</li>
 * <li>Each {@link LettuceConnectionFactory} parameter is a new started factory for the class's server, destroyed
 * when the method (or, for constructor and {@code @BeforeAll} parameters, the scope that requested it) ends.</li>
 * <li>A test may {@linkplain RedisServer#kill() kill}, {@linkplain RedisServer#stop() stop} or
 * {@linkplain RedisServer#suspend() suspend} the server. The next request for it restarts or resumes it, so later
 * tests do not inherit the damage. This needs the server to be requested again, so take it as a test method
 * parameter or use the default per-method test instance lifecycle; a field set once per class is not repaired.</li>
 * </ul>
 */
public final class RedisServerExtension implements ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(RedisServerExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == RedisServer.class || type == LettuceConnectionFactory.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		RedisServer server = server(extensionContext);
		if (parameterContext.getParameter().getType() == RedisServer.class) {
			return server;
		}
		LettuceConnectionFactory factory = server.connectionFactory();
		// A fresh key per factory: every parameter gets its own, all released with the requesting scope.
		extensionContext.getStore(NAMESPACE).put(new Object(), (AutoCloseable) () -> server.release(factory));
		return factory;
	}

	private static RedisServer server(ExtensionContext context) {
		ExtensionContext classContext = context;
		while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
			classContext = classContext.getParent().get();
		}
		String[] args = args(classContext);
		// Stored as AutoCloseable so JUnit closes it when the class context ends. Store lookups fall back to parent
		// contexts, so a @Nested class finds the server of its enclosing class.
		RedisServer server = classContext.getStore(NAMESPACE)
			.computeIfAbsent(RedisServer.class, key -> RedisServer.start(args), RedisServer.class);
		if (!server.isRunning()) {
			server.restart();
		}
		else if (server.isSuspended()) {
			server.resume();
		}
		return server;
	}

	// Walks outwards so a @Nested class that is the first to ask still uses the args of its enclosing @RedisTest.
	private static String[] args(ExtensionContext classContext) {
		for (ExtensionContext context = classContext; context != null; context = context.getParent().orElse(null)) {
			Optional<RedisTest> annotation = AnnotationSupport.findAnnotation(context.getElement(), RedisTest.class);
			if (annotation.isPresent()) {
				return annotation.get().args();
			}
		}
		return new String[0];
	}

}

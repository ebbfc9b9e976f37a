package io.github.redisstreamclient.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Gives a Spring Boot test (or any {@code @Configuration}) a {@code redis-server} of its own, to which Boot's Redis
 * auto-configuration connects: {@code @SpringBootTest @ImportRedisServer class MyTests { ... }}. The server is a
 * bean ({@link RedisServer}) for tests that want to inspect or fault it, and lives as long as the context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(RedisServerConfiguration.class)
public @interface ImportRedisServer {

}

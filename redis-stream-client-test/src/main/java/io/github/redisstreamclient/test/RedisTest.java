package io.github.redisstreamclient.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class its own real {@code redis-server}: declare a {@link RedisServer} or a
 * {@link org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory} parameter on the constructor, a
 * lifecycle method or a test method. See {@link RedisServerExtension} for when servers and factories are created and
 * closed.
 *
 * <pre>{@code
 * @RedisTest(args = {"--appendonly", "yes", "--appendfsync", "always"})
 * class FailoverIntegrationTests {
 *
 *     @Test
 *     void survivesCrash(RedisServer redis, LettuceConnectionFactory factory) {
 *         ...
 *         redis.kill();
 *         redis.restart();
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(RedisServerExtension.class)
public @interface RedisTest {

	/**
	 * Extra {@code redis-server} options, passed to {@link RedisServer#start(String...)}.
	 * @return options such as {@code {"--appendonly", "yes"}}; they override the defaults
	 */
	String[] args() default {};

}

package io.github.redisstreamclient.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.redisstreamclient.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ACL rules exactly as docs/OPERATIONS.md gives them, so that the tests prove the documented text and nothing
 * else: a rule is the fenced block after {@code <!-- acl-rule: NAME -->}, its placeholders filled in.
 */
public final class DocumentedAclRules {

	/** The page the rules are read from, found from the module directory Maven runs the tests in. */
	public static final Path OPERATIONS = locate();

	private DocumentedAclRules() {
	}

	/**
	 * The rule {@code name} with each placeholder ({@code <user>}, {@code <service>}, ...) replaced.
	 * @param values placeholder without brackets → value
	 */
	public static String rule(String name, Map<String, String> values) {
		String page;
		try {
			page = Files.readString(OPERATIONS, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String marker = "<!-- acl-rule: " + name + " -->";
		int at = page.indexOf(marker);
		assertThat(at).as("%s has no %s", OPERATIONS, marker).isNotNegative();
		int open = page.indexOf("```text\n", at);
		int close = page.indexOf("\n```", open + 8);
		String rule = page.substring(open + 8, close).lines().map(String::trim).collect(Collectors.joining(" "));
		for (Map.Entry<String, String> value : values.entrySet()) {
			rule = rule.replace("<" + value.getKey() + ">", value.getValue());
		}
		assertThat(rule).as("unfilled placeholder in %s", rule).doesNotContainPattern("<[a-z-]+>");
		return rule;
	}

	/** {@code rule} without one of its tokens, such as {@code +xreadgroup}: a user that lacks one permission. */
	public static String without(String rule, String token) {
		String reduced = (" " + rule + " ").replace(" " + token + " ", " ").trim();
		assertThat(reduced).as("%s has no %s", rule, token).isNotEqualTo(rule);
		return reduced;
	}

	/** Skips a test on a Redis without the ACL rule syntax the documented rules use ({@code %R~} is Redis 7). */
	public static void assumeRedis7() {
		assumeTrue(RedisServer.majorVersion(RedisServer.version()) >= 7, () -> "the documented ACL rules need Redis 7 ("
				+ RedisServer.binary() + " is " + RedisServer.version() + ")");
		assumeTrue(RedisServer.supportsTls(), () -> RedisServer.binary() + " was built without TLS");
	}

	/** The ACL log entries of {@code user}: what Redis refused it. */
	public static List<Map<String, Object>> refusals(RedisServer redis, String user) {
		return redis.aclLog().stream().filter((entry) -> user.equals(entry.get("username"))).toList();
	}

	private static Path locate() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path candidate = dir.resolve("docs/OPERATIONS.md");
			if (Files.isRegularFile(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("docs/OPERATIONS.md not found above " + Path.of("").toAbsolutePath());
	}

}

package io.github.redisstreamclient.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.redisstreamclient.test.RedisServer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ownership ACL rule exactly as docs/OPERATIONS.md gives it (the core's tests prove it rule by rule; these
 * apply it to the starter).
 */
final class DocumentedAclRule {

	private DocumentedAclRule() {
	}

	static String ownership(String user, String password, String service) {
		Path page = Path.of("").toAbsolutePath();
		while (!Files.isRegularFile(page.resolve("docs/OPERATIONS.md"))) {
			page = page.getParent();
		}
		String text;
		try {
			text = Files.readString(page.resolve("docs/OPERATIONS.md"), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int open = text.indexOf("```text\n", text.indexOf("<!-- acl-rule: ownership -->")) + 8;
		String rule = text.substring(open, text.indexOf("\n```", open))
			.lines()
			.map(String::trim)
			.collect(Collectors.joining(" "));
		Map<String, String> values = Map.of("user", user, "password", password, "service", service, "data-streams",
				service + "-data-*", "db", "0");
		for (Map.Entry<String, String> value : values.entrySet()) {
			rule = rule.replace("<" + value.getKey() + ">", value.getValue());
		}
		return rule;
	}

	static void assumeTlsAndRedis7() {
		assumeTrue(RedisServer.majorVersion(RedisServer.version()) >= 7,
				() -> "the documented ACL rule needs Redis 7 (" + RedisServer.binary() + " is " + RedisServer.version()
						+ ")");
		assumeTrue(RedisServer.supportsTls(), () -> RedisServer.binary() + " was built without TLS");
	}

}

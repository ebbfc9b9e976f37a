package io.github.redisstreamclient.core.internal;

import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;

class AclDenialsTests {

	private static RuntimeException redisSaid(String message) {
		return new RedisSystemException("Error in execution", new RedisCommandExecutionException(message));
	}

	@Test
	void grantsNameTheCommandAndItsCategory() {
		assertThat(AclDenials.grant("XREADGROUP"))
			.isEqualTo("Grant +xreadgroup or the @stream category: ACL SETUSER <user> +xreadgroup");
		assertThat(AclDenials.grant("xgroup|create")).startsWith("Grant +xgroup|create or the @stream category");
		assertThat(AclDenials.grant("pexpire")).startsWith("Grant +pexpire or the @keyspace category");
		assertThat(AclDenials.grant("frobnicate")).isEqualTo("Grant +frobnicate: ACL SETUSER <user> +frobnicate");
	}

	@Test
	void aRefusedCommandIsNamedFromRedisMessage() {
		RuntimeException translated = AclDenials
			.translate(redisSaid("NOPERM this user has no permissions to run the 'xadd' command"), "XADD to 'x'");

		assertThat(translated).isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageStartingWith("Redis ACL refused the command 'xadd' (XADD to 'x'). Grant +xadd or the @stream")
			.hasMessageEndingWith("Redis said: NOPERM this user has no permissions to run the 'xadd' command");
	}

	@Test
	void aKeyOrChannelRefusalAsksForAPattern() {
		assertThat(AclDenials.explain(
				redisSaid("NOPERM this user has no permissions to access one of the keys used as arguments"), "GET k"))
			.startsWith("Redis ACL refused a key (GET k). Add a key pattern that matches it");
		assertThat(AclDenials.explain(
				redisSaid("NOPERM this user has no permissions to access one of the channels used as arguments"),
				"SUBSCRIBE c"))
			.startsWith("Redis ACL refused a channel (SUBSCRIBE c). Add a channel pattern that matches it");
	}

	@Test
	void aRefusalInsideOurScriptIsNamedByTheCommandOnItsLine() {
		RedisScript<Long> script = RedisScript.of("local a = 1\nreturn redis.call('INCR', KEYS[1])\n", Long.class);
		AclDenials.register("counter", script);
		String redis70 = "ERR The user executing the script can't run this command or subcommand script: "
				+ script.getSha1() + ", on @user_script:2.";
		String redis72 = "ERR ACL failure in script: this user has no permissions to run the 'incr' command script: "
				+ script.getSha1() + ", on @user_script:2.";

		assertThat(AclDenials.explain(redisSaid(redis70), "counting"))
			.startsWith("Redis ACL refused the command 'incr' (INCR at counter.lua line 2, called for counting). "
					+ "Grant +incr or the @string category");
		assertThat(AclDenials.explain(redisSaid(redis72), "counting")).contains("the command 'incr'");
	}

	@Test
	void otherErrorsAreLeftAlone() {
		RuntimeException other = redisSaid("NOGROUP No such key 'x' or consumer group 'g'");

		assertThat(AclDenials.isDenial(other)).isFalse();
		assertThat(AclDenials.explain(other, "reading")).isNull();
		assertThat(AclDenials.translate(other, "reading")).isSameAs(other);
	}

}

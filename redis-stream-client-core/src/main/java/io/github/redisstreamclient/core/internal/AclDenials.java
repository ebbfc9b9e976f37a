package io.github.redisstreamclient.core.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Recognises Redis refusing a command, key or channel to the connection's ACL user, and says what to grant.
 * <p>
 * A missing permission never heals by waiting, so callers stop on it instead of retrying, with this explanation.
 * Redis names the command in a top-level {@code NOPERM} error, but inside a script (7.0) it only says "the user
 * executing the script can't run this command" with the script's SHA and line; since the scripts are ours, the
 * line tells which command it was.
 */
public final class AclDenials {

	/** Where the complete rules are; every explanation points there. */
	public static final String RULES = "docs/OPERATIONS.md, 'ACL rules'";

	private static final Pattern COMMAND = Pattern.compile("no permissions to run the '([^']+)' command");

	private static final Pattern SCRIPT = Pattern.compile("script: ([0-9a-f]{40}), on @user_script:(\\d+)");

	private static final Pattern CALL = Pattern.compile("redis\\.call\\('([A-Za-z]+)'");

	// The command categories of Redis 7 that are the natural grant for each command the client sends.
	private static final Map<String, String> CATEGORIES = Map.ofEntries(Map.entry("xreadgroup", "stream"),
			Map.entry("xread", "stream"), Map.entry("xadd", "stream"), Map.entry("xack", "stream"),
			Map.entry("xclaim", "stream"), Map.entry("xpending", "stream"), Map.entry("xgroup", "stream"),
			Map.entry("xrange", "stream"), Map.entry("xdel", "stream"), Map.entry("evalsha", "scripting"),
			Map.entry("eval", "scripting"), Map.entry("publish", "pubsub"), Map.entry("subscribe", "pubsub"),
			Map.entry("unsubscribe", "pubsub"), Map.entry("get", "string"), Map.entry("set", "string"),
			Map.entry("incr", "string"), Map.entry("incrby", "string"), Map.entry("hexists", "hash"),
			Map.entry("xinfo", "stream"), Map.entry("info", "dangerous"), Map.entry("exists", "keyspace"), Map.entry("del", "keyspace"),
			Map.entry("pexpire", "keyspace"), Map.entry("hget", "hash"), Map.entry("hset", "hash"),
			Map.entry("hdel", "hash"), Map.entry("time", "fast"), Map.entry("config", "admin"),
			Map.entry("multi", "transaction"), Map.entry("exec", "transaction"), Map.entry("ping", "connection"));

	private static final Map<String, ScriptSource> SCRIPTS = new ConcurrentHashMap<>();

	private AclDenials() {
	}

	/** Makes denials inside {@code script} explainable by the command on the refused line. */
	public static void register(String name, RedisScript<?> script) {
		SCRIPTS.put(script.getSha1(), new ScriptSource(name, script.getScriptAsString().lines().toList()));
	}

	/** Whether {@code error} or one of its causes is Redis refusing an ACL permission. */
	public static boolean isDenial(@Nullable Throwable error) {
		return redisMessage(error) != null;
	}

	/**
	 * {@code error} as a {@link PermissionDeniedDataAccessException} that says what to grant, when it is Redis (or
	 * Spring Data Redis) reporting a denial; else {@code error} itself.
	 * @param doing what the client was doing, naming the command and its keys or channel, such as
	 * {@code "XREADGROUP of stream 'orders-input'"}
	 */
	public static RuntimeException translate(RuntimeException error, String doing) {
		// Our own exceptions (FORCE refused, say) already explain themselves; only Redis's are translated.
		if (error instanceof PermissionDeniedDataAccessException
				|| !(error instanceof DataAccessException || error instanceof RedisException)) {
			return error;
		}
		String explanation = explain(error, doing);
		return (explanation != null) ? new PermissionDeniedDataAccessException(explanation, error) : error;
	}

	/** What to grant, when {@code error} is a denial; {@code null} otherwise. */
	public static @Nullable String explain(Throwable error, String doing) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t instanceof PermissionDeniedDataAccessException) {
				return t.getMessage();
			}
		}
		String message = redisMessage(error);
		if (message == null) {
			return null;
		}
		String where = doing;
		String command = null;
		Matcher script = SCRIPT.matcher(message);
		if (script.find()) {
			ScriptSource source = SCRIPTS.get(script.group(1));
			if (source != null) {
				int line = Integer.parseInt(script.group(2));
				command = source.commandAt(line);
				where = ((command != null) ? command.toUpperCase(Locale.ROOT) + " at " : "line " + line + " of ")
						+ source.name() + ".lua" + ((command != null) ? " line " + line : "") + ", called for " + doing;
			}
		}
		Matcher named = COMMAND.matcher(message);
		if (named.find()) {
			command = named.group(1);
		}
		String lower = message.toLowerCase(Locale.ROOT);
		String fix;
		if (lower.contains("one of the keys")) {
			fix = "a key (" + where + "). Add a key pattern that matches it: ACL SETUSER <user> ~<pattern>.";
		}
		else if (lower.contains("channel")) {
			fix = "a channel (" + where + "). Add a channel pattern that matches it: ACL SETUSER <user> &<pattern>.";
		}
		else if (command != null) {
			fix = "the command '" + command + "' (" + where + "). " + grant(command) + ".";
		}
		else {
			fix = "a command (" + where + ").";
		}
		return "Redis ACL refused " + fix + " The complete rules are in " + RULES + ". Redis said: " + message;
	}

	/**
	 * {@code Grant +xreadgroup or the @stream category: ACL SETUSER <user> +xreadgroup}, for a command or
	 * {@code command|subcommand}.
	 */
	public static String grant(String command) {
		String lower = command.toLowerCase(Locale.ROOT);
		String category = CATEGORIES.get(lower.contains("|") ? lower.substring(0, lower.indexOf('|')) : lower);
		return "Grant +" + lower + ((category != null) ? " or the @" + category + " category" : "")
				+ ": ACL SETUSER <user> +" + lower;
	}

	private static @Nullable String redisMessage(@Nullable Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			String message = t.getMessage();
			if (message != null && (message.startsWith("NOPERM") || message.contains("ERR The user executing the script can't")
					|| message.contains("ACL failure in script"))) {
				return message;
			}
		}
		return null;
	}

	private record ScriptSource(String name, List<String> lines) {

		@Nullable String commandAt(int line) {
			// A call split over lines names its command on the line it starts on or just before.
			for (int i = line; i >= Math.max(1, line - 2); i--) {
				if (i <= this.lines.size()) {
					Matcher call = CALL.matcher(this.lines.get(i - 1));
					if (call.find()) {
						return call.group(1).toLowerCase(Locale.ROOT);
					}
				}
			}
			return null;
		}

	}

}

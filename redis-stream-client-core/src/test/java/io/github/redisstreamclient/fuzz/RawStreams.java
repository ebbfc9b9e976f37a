package io.github.redisstreamclient.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

/**
 * Stream entries as bytes, for what a string API cannot write or would change on reading: values that are not
 * UTF-8, a field repeated within one entry. A Lettuce connection with {@link ByteArrayCodec}, and raw replies, so
 * that nothing folds an entry's pairs into a map.
 */
public final class RawStreams implements AutoCloseable {

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	public RawStreams(String uri) {
		this.client = RedisClient.create(uri);
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
	}

	/** {@code XADD stream * f1 v1 f2 v2 ...}: the pairs exactly, in order, repeats included; returns the entry id. */
	public String add(String stream, List<byte[]> pairs) {
		Object[] flat = pairs.toArray();
		return this.connection.sync().xadd(utf8(stream), flat);
	}

	/** Every entry of {@code stream}, oldest first. */
	public List<Entry> range(String stream) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(utf8(stream))
			.add("-")
			.add("+");
		List<Object> reply = this.connection.sync()
			.dispatch(CommandType.XRANGE, new ArrayOutput<>(ByteArrayCodec.INSTANCE), args);
		List<Entry> entries = new ArrayList<>();
		for (Object item : reply) {
			List<?> entry = (List<?>) item;
			List<byte[]> pairs = new ArrayList<>();
			for (Object part : (List<?>) entry.get(1)) {
				pairs.add((byte[]) part);
			}
			entries.add(new Entry(new String((byte[]) entry.get(0), StandardCharsets.UTF_8), pairs));
		}
		return entries;
	}

	public static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.connection.close();
		// Without the default quiet period of 2 s: nothing is in flight once the test is done.
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	/** An entry: its id and its field-value pairs, flat, as bytes. */
	public record Entry(String id, List<byte[]> pairs) {

		/** The value of the last pair named {@code field}, as text; {@code null} if none. */
		public String text(String field) {
			for (int i = this.pairs.size() - 2; i >= 0; i -= 2) {
				if (new String(this.pairs.get(i), StandardCharsets.UTF_8).equals(field)) {
					return new String(this.pairs.get(i + 1), StandardCharsets.UTF_8);
				}
			}
			return null;
		}

	}

}

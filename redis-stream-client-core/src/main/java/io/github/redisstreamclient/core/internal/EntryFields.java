package io.github.redisstreamclient.core.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;

/**
 * The field-value pairs of a stream entry as Redis holds them: bytes, in their order, a repeated field kept.
 * <p>
 * Entries are read as bytes and turned into text only where text is needed, because a dead letter must keep the
 * entry it replaces exactly: a map of strings would replace bytes that are not UTF-8 and fold a repeated field into
 * one, and the original would be lost.
 */
public final class EntryFields {

	/** Field, value, field, value... */
	private final List<byte[]> pairs;

	private EntryFields(List<byte[]> pairs) {
		this.pairs = pairs;
	}

	/**
	 * The fields of a record read through Spring Data Redis's byte API. Its map is keyed by arrays, which compare
	 * by identity, so a field that Redis holds twice arrives as two keys and stays two.
	 */
	public static EntryFields of(Map<byte[], byte[]> fields) {
		List<byte[]> pairs = new ArrayList<>(fields.size() * 2);
		fields.forEach((field, value) -> {
			pairs.add(field);
			pairs.add(value);
		});
		return new EntryFields(pairs);
	}

	/** The fields of a script reply or a raw command reply: field, value, ... as bytes (or text, as UTF-8). */
	public static EntryFields ofFlat(List<?> flat) {
		List<byte[]> pairs = new ArrayList<>(flat.size());
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			pairs.add(bytes(flat.get(i)));
			pairs.add(bytes(flat.get(i + 1)));
		}
		return new EntryFields(pairs);
	}

	/** Fields given as text, stored as UTF-8. */
	public static EntryFields ofStrings(Map<String, String> fields) {
		List<byte[]> pairs = new ArrayList<>(fields.size() * 2);
		fields.forEach((field, value) -> {
			pairs.add(field.getBytes(StandardCharsets.UTF_8));
			pairs.add(value.getBytes(StandardCharsets.UTF_8));
		});
		return new EntryFields(pairs);
	}

	private static byte[] bytes(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
	}

	/** Number of field-value pairs, a repeated field counted each time. */
	public int size() {
		return this.pairs.size() / 2;
	}

	/** The value of {@code field}; its last one when repeated, as Redis clients that read entries into maps see it. */
	public byte @Nullable [] value(String field) {
		byte[] name = field.getBytes(StandardCharsets.UTF_8);
		for (int i = this.pairs.size() - 2; i >= 0; i -= 2) {
			if (Arrays.equals(this.pairs.get(i), name)) {
				return this.pairs.get(i + 1);
			}
		}
		return null;
	}

	/** The field names as text (bytes that are not UTF-8 replaced), in order, repeats included. */
	public List<String> names() {
		List<String> names = new ArrayList<>(size());
		for (int i = 0; i < this.pairs.size(); i += 2) {
			names.add(new String(this.pairs.get(i), StandardCharsets.UTF_8));
		}
		return Collections.unmodifiableList(names);
	}

	/**
	 * Fields and values as text, bytes that are not UTF-8 replaced by U+FFFD and a repeated field's last value
	 * kept: what a client that reads entries into maps of strings sees, the Go client included.
	 */
	public Map<String, String> toStrings() {
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 0; i < this.pairs.size(); i += 2) {
			fields.put(new String(this.pairs.get(i), StandardCharsets.UTF_8),
					new String(this.pairs.get(i + 1), StandardCharsets.UTF_8));
		}
		return fields;
	}

	/**
	 * A record for {@code XADD} to {@code stream}: these pairs exactly, then {@code appended}. A field of the
	 * original that {@code appended} repeats is kept too; clients that read entries into maps see the appended one.
	 */
	public MapRecord<byte[], byte[], byte[]> toRecord(String stream, Map<String, String> appended) {
		// Keyed by array identity, so equal field names stay separate pairs.
		Map<byte[], byte[]> body = new LinkedHashMap<>();
		for (int i = 0; i < this.pairs.size(); i += 2) {
			body.put(this.pairs.get(i), this.pairs.get(i + 1));
		}
		appended.forEach((field, value) -> body.put(field.getBytes(StandardCharsets.UTF_8),
				value.getBytes(StandardCharsets.UTF_8)));
		return StreamRecords.newRecord().in(stream.getBytes(StandardCharsets.UTF_8)).ofMap(body);
	}

	/**
	 * {@code bytes} as text when they are valid UTF-8, as JSON must be.
	 * @throws NotUtf8Exception naming the first byte that is not
	 */
	public static String strictUtf8(byte[] bytes) {
		// The JDK's own decoding is the fast one; it replaces each bad sequence by U+FFFD, which valid text may hold
		// too, so only then is the strict decoder asked.
		String text = new String(bytes, StandardCharsets.UTF_8);
		if (text.indexOf('\ufffd') < 0) {
			return text;
		}
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(bytes);
		CharBuffer out = CharBuffer.allocate(bytes.length);
		CoderResult result = decoder.decode(in, out, true);
		if (result.isError()) {
			throw new NotUtf8Exception(in.position(), bytes[in.position()]);
		}
		decoder.flush(out);
		return out.flip().toString();
	}

	@Override
	public String toString() {
		return Excerpt.of(toStrings().toString());
	}

	/** Bytes that are not UTF-8 where text must be. */
	public static final class NotUtf8Exception extends IllegalArgumentException {

		private static final long serialVersionUID = 1L;

		NotUtf8Exception(int offset, byte bad) {
			super(String.format("byte 0x%02x at offset %d is not valid UTF-8", bad & 0xff, offset));
		}

	}

}

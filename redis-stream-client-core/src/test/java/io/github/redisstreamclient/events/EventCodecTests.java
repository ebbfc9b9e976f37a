package io.github.redisstreamclient.events;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.redisstreamclient.core.internal.EntryFields;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JSON envelope in the {@code event} field: exact field names, so producers and consumers in other languages
 * interoperate, and clear reasons for entries that are not events.
 */
class EventCodecTests {

	record Line(String sku, int quantity) {
	}

	@Test
	void writesTheEnvelopeWithExactlyTheDocumentedFields() {
		Event event = new Event("e-1", "order.created", EventCodec.MAPPER.valueToTree(new Line("A-1", 2)),
				Map.of("source", "shop"), Instant.parse("2025-01-02T03:04:05.123Z"));

		JsonNode json = EventCodec.MAPPER.readTree(EventCodec.encode(event));

		assertThat(json.propertyNames()).containsExactly("id", "type", "payload", "metadata", "timestamp");
		assertThat(json.get("id").stringValue()).isEqualTo("e-1");
		assertThat(json.get("type").stringValue()).isEqualTo("order.created");
		assertThat(json.get("payload").get("sku").stringValue()).isEqualTo("A-1");
		assertThat(json.get("payload").get("quantity").intValue()).isEqualTo(2);
		assertThat(json.get("metadata").get("source").stringValue()).isEqualTo("shop");
		assertThat(json.get("timestamp").stringValue()).isEqualTo("2025-01-02T03:04:05.123Z");
	}

	@Test
	void readsWhatItWritesAndWhatOtherProducersWrite() throws Exception {
		Event created = EventCodec.create("order.created", new Line("A-1", 2), Map.of("k", "v"));
		assertThat(EventCodec.decode(EventCodec.encode(created))).isEqualTo(created);

		// As a Python producer might write it: no metadata, a numeric metadata value elsewhere, an offset.
		Event foreign = EventCodec.decode(
				"{\"id\":\"x\",\"type\":\"t\",\"payload\":\"hi\",\"timestamp\":\"2025-01-01T00:00:00Z\"}");
		assertThat(foreign.metadata()).isEmpty();
		assertThat(foreign.payloadAs(String.class)).isEqualTo("hi");
		Event numeric = EventCodec.decode("{\"id\":\"x\",\"type\":\"t\",\"payload\":null,\"metadata\":{\"n\":3},"
				+ "\"timestamp\":\"2025-01-01T00:00:00Z\"}");
		assertThat(numeric.metadata()).containsEntry("n", "3");
	}

	record Price(BigDecimal amount) {
	}

	@Test
	void decimalsKeepTheirScaleThroughTheWire() throws Exception {
		Event event = EventCodec.decode(EventCodec.encode(
				EventCodec.create("price.update", new Price(new BigDecimal("150.250")), Map.of())));

		assertThat(event.payloadAs(Price.class).amount()).isEqualTo(new BigDecimal("150.250"));
	}

	@Test
	void nullPayloadIsAJsonNull() throws Exception {
		Event event = EventCodec.decode(EventCodec.encode(EventCodec.create("t", null, Map.of())));

		assertThat(event.payload().isNull()).isTrue();
		assertThat(event.payloadAs(Line.class)).isNull();
	}

	@Test
	void malformedEntriesSayWhatIsWrong() {
		assertThatThrownBy(() -> EventCodec.decode((String) null)).hasMessage("the entry has no 'event' field");
		assertThatThrownBy(() -> EventCodec.decode("{oops")).hasMessageStartingWith("'event' is not valid JSON")
			.hasMessageEndingWith("{oops");
		assertThatThrownBy(() -> EventCodec.decode("[1]")).hasMessage("'event' is not a JSON object: [1]");
		assertThatThrownBy(() -> EventCodec.decode("{\"type\":\"t\",\"payload\":1,\"timestamp\":\"2025-01-01T00:00:00Z\"}"))
			.hasMessage("'event' has no string field 'id'");
		assertThatThrownBy(() -> EventCodec.decode("{\"id\":\"x\",\"type\":\"t\",\"timestamp\":\"2025-01-01T00:00:00Z\"}"))
			.hasMessage("'event' has no 'payload' field");
		assertThatThrownBy(() -> EventCodec.decode("{\"id\":\"x\",\"type\":\"t\",\"payload\":1,\"timestamp\":\"yesterday\"}"))
			.hasMessage("'timestamp' is not an ISO-8601 instant: yesterday");
	}

	/**
	 * Found by EventCodecFuzzTests: Jackson let a NumberFormatException out of readTree, which the consumer took
	 * for a Redis failure, so the entry stayed pending and came back forever instead of being dead-lettered.
	 */
	@Test
	void aNumberJacksonCannotHoldIsMalformedNotAnEscapingException() {
		assertThatThrownBy(() -> EventCodec.decode("1e2147483649")).isInstanceOf(EventCodec.MalformedEventException.class)
			.hasMessageStartingWith("'event' is not valid JSON (java.lang.NumberFormatException: Value \"1e2147483649\"");
		assertThatThrownBy(() -> EventCodec.decode("{\"id\":\"x\",\"type\":\"t\",\"payload\":1e-2147483649,"
				+ "\"timestamp\":\"2025-01-01T00:00:00Z\"}"))
			.isInstanceOf(EventCodec.MalformedEventException.class);
	}

	/** Found by EventCodecFuzzTests: a reason quoted a lone surrogate, which Redis would have stored as '?'. */
	@Test
	void reasonsQuoteTheInputShortAndPrintable() {
		assertThatThrownBy(() -> EventCodec.decode("\uda40")).hasMessageEndingWith(": \\uda40");
		assertThatThrownBy(() -> EventCodec.decode("{\u0000")).hasMessageEndingWith(": {\\u0000");
		String huge = "{\"id\":" + "7".repeat(3_000_000);
		assertThatThrownBy(() -> EventCodec.decode(huge)).satisfies((ex) -> assertThat(ex.getMessage())
			.hasSizeLessThan(600)
			.endsWith("... (3000006 chars)"));
	}

	@Test
	void anEventFieldThatIsNotUtf8IsMalformed() {
		byte[] json = "{\"id\":\"x\",\"type\":\"t\",\"payload\":\"?\",\"timestamp\":\"2025-01-01T00:00:00Z\"}"
			.getBytes(StandardCharsets.UTF_8);
		json[32] = (byte) 0xc0;
		EntryFields fields = EntryFields.ofFlat(List.of("event".getBytes(StandardCharsets.UTF_8), json));

		assertThatThrownBy(() -> EventCodec.decode(fields))
			.hasMessage("'event' is not UTF-8 text: byte 0xc0 at offset 32 is not valid UTF-8");
		assertThatThrownBy(() -> EventCodec.decode(EntryFields.ofStrings(Map.of("payload", "x"))))
			.hasMessage("the entry has no 'event' field");
	}

	@Test
	void nestingDeeperThanJacksonReadsIsMalformed() {
		String deep = "{\"id\":\"e\",\"type\":\"t\",\"payload\":" + "[".repeat(5_000) + "]".repeat(5_000)
				+ ",\"timestamp\":\"2025-01-01T00:00:00Z\"}";

		assertThatThrownBy(() -> EventCodec.decode(deep))
			.hasMessageStartingWith("'event' is not valid JSON (Document nesting depth (501) exceeds the maximum");
	}

	@Test
	void payloadConvertsToGenericTypes() throws Exception {
		Event event = EventCodec.create("t", List.of(new Line("A", 1), new Line("B", 2)), Map.of());
		Type listOfLines = EventCodecTests.class.getDeclaredMethod("lines").getGenericReturnType();

		List<Line> lines = event.payloadAs(listOfLines);

		assertThat(lines).containsExactly(new Line("A", 1), new Line("B", 2));
	}

	@Test
	void payloadThatDoesNotFitSaysWhichEventAndType() {
		Event event = EventCodec.create("order.created", "not an object", Map.of());

		assertThatThrownBy(() -> event.payloadAs(Line.class)).isInstanceOf(EventConversionException.class)
			.hasMessageContaining("Cannot convert the payload of event " + event.id() + " ('order.created') to")
			.hasMessageContaining(Line.class.getTypeName());
	}

	@SuppressWarnings("unused")
	private static List<Line> lines() {
		return List.of();
	}

}

package io.github.redisstreamclient.core.internal;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LbsMessagesTests {

	@Test
	void writesTheGoClientsJsonAndReadsItBack() {
		String json = LbsMessages.format("session-1", Map.of("user_id", "u-1"));

		assertThat(json).isEqualTo("{\"DataStreamName\":\"session-1\",\"Info\":{\"user_id\":\"u-1\"}}");
		LbsMessages.LbsMessage message = LbsMessages.parse(Map.of("lbs-input", json));
		assertThat(message.dataStreamName()).isEqualTo("session-1");
		assertThat(message.info()).containsEntry("user_id", "u-1");
	}

	@Test
	void readsWhatAGoProducerWritesIncludingANullInfo() {
		LbsMessages.LbsMessage message = LbsMessages
			.parse(Map.of("lbs-input", "{\"DataStreamName\":\"s\",\"Info\":null}"));

		assertThat(message.dataStreamName()).isEqualTo("s");
		assertThat(message.info()).isEmpty();
		assertThat(LbsMessages.parse(Map.of("lbs-input", "{\"DataStreamName\":\"s\",\"Info\":{\"n\":3,\"b\":true}}"))
			.info()).containsEntry("n", 3).containsEntry("b", true);
	}

	@Test
	void malformedEntriesAreRejectedWithTheReason() {
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("x", "y"))).hasMessageContaining("missing field 'lbs-input'");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "{oops"))).hasMessageContaining("not valid JSON");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "[1]"))).hasMessageContaining("not a JSON object");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "{\"Info\":{}}")))
			.hasMessageContaining("no DataStreamName");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "{\"DataStreamName\":\"s\",\"Info\":[1]}")))
			.hasMessageContaining("Info that is not a JSON object");
	}

}

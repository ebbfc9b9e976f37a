package io.github.redisstreamclient.core;

import java.util.Map;

/**
 * One entry of a data stream, as {@link OwnedStream#read} returns it.
 *
 * @param id the entry id, to pass to {@link OwnedStream#commit} once processed
 * @param fields the entry's fields
 */
public record StreamEntry(String id, Map<String, String> fields) {

	public StreamEntry {
		fields = Map.copyOf(fields);
	}

}

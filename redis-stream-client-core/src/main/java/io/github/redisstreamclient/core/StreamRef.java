package io.github.redisstreamclient.core;

import java.util.Objects;

/**
 * Identifies one assignment of a data stream: its name and the id of the Load Balancer Stream entry that carried it.
 * The entry id is what a lease is held on, so two assignments of the same name are two refs.
 *
 * @param dataStreamName name of the data stream the producer put on the LBS
 * @param lbsEntryId id of the LBS entry, for example {@code 1700000000000-0}
 */
public record StreamRef(String dataStreamName, String lbsEntryId) {

	public StreamRef {
		Objects.requireNonNull(dataStreamName, "dataStreamName must not be null");
		Objects.requireNonNull(lbsEntryId, "lbsEntryId must not be null");
	}

}

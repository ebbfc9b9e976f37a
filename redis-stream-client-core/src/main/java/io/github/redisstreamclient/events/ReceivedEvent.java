package io.github.redisstreamclient.events;

/**
 * What an {@link EventHandler} receives: the event and where it came from.
 *
 * @param stream the stream it was read from, {@code <prefix>:<type>}
 * @param entryId the stream entry id, such as {@code 1700000000000-0}; a replayed dead letter gets a new one
 * @param deliveryCount how many times Redis has delivered this entry to the group, 1 on the first attempt
 * @param event the decoded event
 */
public record ReceivedEvent(String stream, String entryId, long deliveryCount, Event event) {

}

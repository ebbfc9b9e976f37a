package io.github.redisstreamclient.events;

/**
 * An entry of the dead-letter stream {@code <prefix>:dlq}.
 *
 * @param id entry id in the dead-letter stream, for {@link DeadLetters#replay(String)}
 * @param event the original {@code event} field as text, empty when the entry had none (possibly not valid JSON:
 * that may be why it is here); the dead letter in Redis keeps the entry's exact bytes and any other fields, and a
 * replay puts back the event field's exact bytes
 * @param error why it was dead-lettered: the handler's exception class and message, or why it could not be read
 * @param originalType event type of the stream it came from
 * @param originalStream stream it came from, where a replay puts it back
 * @param originalId its entry id in that stream
 * @param deliveryCount deliveries when it was dead-lettered
 */
public record DeadLetter(String id, String event, String error, String originalType, String originalStream,
		String originalId, long deliveryCount) {

}

package io.github.redisstreamclient.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of event streams: an event's publish and its processing by a consumer's handler.
 * <p>
 * Low-cardinality keys hold only what a deployment has few of (event types, groups); stream names, entry ids, event
 * ids and consumer names are high-cardinality keys, so they reach spans but never meter tags.
 */
public enum EventStreamObservation implements ObservationDocumentation {

	/**
	 * One {@code EventStreamPublisher.publish} call, retries included; a sender observation whose carrier is the
	 * event's metadata.
	 */
	PUBLISH {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultEventPublishObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.MESSAGING_SYSTEM, LowCardinalityKeys.MESSAGING_OPERATION,
					LowCardinalityKeys.EVENT_TYPE };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.STREAM, HighCardinalityKeys.ENTRY_ID,
					HighCardinalityKeys.EVENT_ID };
		}

	},

	/**
	 * One handler call of an {@code EventStreamConsumer} (an {@code @EventStreamListener} method with the starter);
	 * a receiver observation that continues the trace found in the event's metadata.
	 */
	PROCESS {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultEventProcessObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.MESSAGING_SYSTEM, LowCardinalityKeys.MESSAGING_OPERATION,
					LowCardinalityKeys.EVENT_TYPE, LowCardinalityKeys.CONSUMER_GROUP };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.STREAM, HighCardinalityKeys.ENTRY_ID,
					HighCardinalityKeys.EVENT_ID, HighCardinalityKeys.CONSUMER_NAME, HighCardinalityKeys.DELIVERY_COUNT };
		}

	};

	/** Keys with few values: tags of the timers Micrometer derives from the observations. */
	public enum LowCardinalityKeys implements KeyName {

		/** Always {@code redis}. */
		MESSAGING_SYSTEM {
			@Override
			public String asString() {
				return "messaging.system";
			}
		},

		/** {@code publish} or {@code process}. */
		MESSAGING_OPERATION {
			@Override
			public String asString() {
				return "messaging.operation";
			}
		},

		/** The event type, such as {@code order.created}. */
		EVENT_TYPE {
			@Override
			public String asString() {
				return "redis.stream.client.event.type";
			}
		},

		/** The consumer group. */
		CONSUMER_GROUP {
			@Override
			public String asString() {
				return "messaging.consumer.group.name";
			}
		}

	}

	/** Keys with many values: on spans only. */
	public enum HighCardinalityKeys implements KeyName {

		/** The stream, {@code <prefix>:<type>}. */
		STREAM {
			@Override
			public String asString() {
				return "messaging.destination.name";
			}
		},

		/** The stream entry id; on a publish, known once {@code XADD} returned. */
		ENTRY_ID {
			@Override
			public String asString() {
				return "messaging.message.id";
			}
		},

		/** The event's own id, the same across publish retries and redeliveries. */
		EVENT_ID {
			@Override
			public String asString() {
				return "redis.stream.client.event.id";
			}
		},

		/** The consumer's name in its group, unique per instance. */
		CONSUMER_NAME {
			@Override
			public String asString() {
				return "redis.stream.client.consumer";
			}
		},

		/** Redis's delivery count of the entry, 1 on the first attempt. */
		DELIVERY_COUNT {
			@Override
			public String asString() {
				return "redis.stream.client.delivery.count";
			}
		}

	}

}

package io.github.redisstreamclient.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observation of a stream handler: one call of a {@code @StreamAdded}, {@code @StreamExpired},
 * {@code @StreamDisowned} or {@code @StreamTerminated} method. Its stream name is a high-cardinality key only: a
 * service may own millions of streams.
 */
public enum StreamHandlerObservation implements ObservationDocumentation {

	/** One handler method call, from after its stream patterns and condition matched until it returned or threw. */
	HANDLER {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultStreamHandlerObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeys.values();
		}

	};

	/** Keys with few values: tags of the timer Micrometer derives from the observation. */
	public enum LowCardinalityKeys implements KeyName {

		/** The client's service. */
		SERVICE {
			@Override
			public String asString() {
				return "redis.stream.client.service";
			}
		},

		/** {@code added}, {@code expired}, {@code disowned} or {@code terminated}. */
		HANDLER_KIND {
			@Override
			public String asString() {
				return "redis.stream.client.handler.kind";
			}
		},

		/** The handler method, {@code SimpleClassName.method}: as many values as there are handler methods. */
		HANDLER_NAME {
			@Override
			public String asString() {
				return "redis.stream.client.handler.name";
			}
		}

	}

	/** Keys with many values: on spans only. */
	public enum HighCardinalityKeys implements KeyName {

		/** The data stream; {@code none} for {@code @StreamTerminated}. */
		STREAM {
			@Override
			public String asString() {
				return "redis.stream.client.stream";
			}
		}

	}

}

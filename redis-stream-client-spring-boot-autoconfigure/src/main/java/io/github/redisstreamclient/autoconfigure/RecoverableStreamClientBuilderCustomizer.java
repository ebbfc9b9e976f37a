package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.core.RecoverableStreamClient;

/**
 * Callback to change the auto-configured client's builder after the properties were applied, for options that have
 * no property. Beans of this type are applied in {@link org.springframework.core.annotation.Order order}.
 */
@FunctionalInterface
public interface RecoverableStreamClientBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder, with the properties applied
	 */
	void customize(RecoverableStreamClient.Builder builder);

}

package io.github.redisstreamclient.samples.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A service that processes the data streams its producers announce on the {@code sessions} Load Balancer Stream.
 * All it takes: the starter, {@code application.yml}, and {@link SessionHandler}.
 */
@SpringBootApplication
public class ConsumerApplication {

	public static void main(String[] args) {
		SpringApplication.run(ConsumerApplication.class, args);
	}

}

package io.github.redisstreamclient.samples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The "sessions" service of the Spring Boot demo, as a user writes it: the starter, {@code application.yml}, and the
 * annotated handlers of {@link SessionProcessor}. The demo runs three of them.
 */
@SpringBootApplication
public class SessionsApplication {

	public static void main(String[] args) {
		SpringApplication.run(SessionsApplication.class, args);
	}

}

package io.github.redisstreamclient.samples.boot;

import java.util.concurrent.CompletableFuture;

import org.springframework.boot.SpringApplication;

/**
 * How the demo starts each instance: {@link SessionsApplication} as it is, ended with the demo's JVM should the demo
 * die before it could stop its instances. {@code SIGTERM} shuts it down gracefully, as any Spring Boot application.
 */
final class DemoInstance {

	private DemoInstance() {
	}

	public static void main(String[] args) {
		SpringApplication.run(SessionsApplication.class, args);
		ProcessHandle.current().parent().map(ProcessHandle::onExit).orElseGet(CompletableFuture::new).join();
		System.exit(0);
	}

}

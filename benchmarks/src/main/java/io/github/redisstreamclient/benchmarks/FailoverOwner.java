package io.github.redisstreamclient.benchmarks;

import java.time.Duration;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.RecoverableStreamClient;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The owner that the failover benchmark kills with SIGKILL: a consumer in a JVM of its own that takes streams from
 * the LBS and prints one line per notification. Arguments: port service consumerId leaseTtlMillis.
 */
public final class FailoverOwner {

	private FailoverOwner() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Duration ttl = Duration.ofMillis(Long.parseLong(args[3]));
		LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		RecoverableStreamClient client = RecoverableStreamClient.builder(connectionFactory, args[1])
			.consumerId(args[2])
			.leaseTtl(ttl)
			.lbsIdleTime(ttl.multipliedBy(3))
			.keyspaceNotifications(KeyspaceNotifications.OFF)
			.listener((n) -> print(n.type() + " " + n.streamName()))
			.build();
		client.start();
		print("READY " + client.id());
		// Lives until it is killed; stdin closing (the harness died) ends it too.
		while (System.in.read() != -1) {
			// nothing to do
		}
		client.close();
	}

	private static synchronized void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

}

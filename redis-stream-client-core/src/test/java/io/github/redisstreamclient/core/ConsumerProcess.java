package io.github.redisstreamclient.core;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A consumer in a JVM of its own, so that tests can kill it the hard way (SIGKILL) or freeze it (SIGSTOP) as a crash
 * or a stall happens in production. It prints one line per notification on stdout and takes commands on stdin.
 * <p>
 * Arguments: port service consumerId leaseTtlMillis autoClaim(true|false) [cluster]. Environment (so that no
 * password is on a command line): {@value #TLS_CA} the CA certificate file of a TLS server, {@value #USERNAME} and
 * {@value #PASSWORD} an ACL user, {@value #NOTIFICATIONS} a {@link KeyspaceNotifications} other than AUTO.
 */
public final class ConsumerProcess {

	static final String TLS_CA = "RSC_TEST_TLS_CA";

	static final String USERNAME = "RSC_TEST_USERNAME";

	static final String PASSWORD = "RSC_TEST_PASSWORD";

	static final String NOTIFICATIONS = "RSC_TEST_KEYSPACE_NOTIFICATIONS";

	private ConsumerProcess() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		String service = args[1];
		String consumerId = args[2];
		Duration leaseTtl = Duration.ofMillis(Long.parseLong(args[3]));
		boolean autoClaim = Boolean.parseBoolean(args[4]);
		LettuceClientConfiguration.LettuceClientConfigurationBuilder clientConfiguration = LettuceClientConfiguration
			.builder()
			.commandTimeout(Duration.ofSeconds(5));
		String ca = System.getenv(TLS_CA);
		if (ca != null) {
			clientConfiguration.useSsl();
			clientConfiguration.clientOptions(ClientOptions.builder()
				.timeoutOptions(TimeoutOptions.enabled())
				.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(new File(ca)).build())
				.build());
		}
		boolean cluster = args.length > 5 && args[5].equals("cluster");
		RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration("127.0.0.1", port);
		if (System.getenv(USERNAME) != null) {
			standalone.setUsername(System.getenv(USERNAME));
			standalone.setPassword(RedisPassword.of(System.getenv(PASSWORD)));
		}
		if (cluster) {
			clientConfiguration.clientOptions(ClusterFailover.clientOptions().build());
		}
		LettuceConnectionFactory connectionFactory = cluster
				? new LettuceConnectionFactory(new RedisClusterConfiguration(List.of("127.0.0.1:" + port)),
						clientConfiguration.build())
				: new LettuceConnectionFactory(standalone, clientConfiguration.build());
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		RecoverableStreamClient client = RecoverableStreamClient.builder(connectionFactory, service)
			.consumerId(consumerId)
			.leaseTtl(leaseTtl)
			.lbsIdleTime(leaseTtl.multipliedBy(3))
			.sweepInterval(Duration.ofMillis(500))
			.autoClaim(autoClaim)
			.keyspaceNotifications(KeyspaceNotifications.valueOf(
					(System.getenv(NOTIFICATIONS) != null) ? System.getenv(NOTIFICATIONS) : "AUTO"))
			.listener((n) -> print(n.type() + " " + n.streamName() + " "
					+ ((n.stream() != null) ? n.stream().lbsEntryId() : "-") + " " + n.fencingToken() + " "
					+ n.claimed()))
			.build();
		client.start();
		print("READY " + client.id());
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] command = line.trim().split(" ");
			try {
				switch (command[0]) {
					case "done" -> {
						client.done(command[1]);
						print("DONE " + command[1]);
					}
					case "owned" -> print("OWNED " + client.ownedStreams().size());
					case "close" -> {
						client.close();
						print("CLOSED");
					}
					default -> print("UNKNOWN " + line);
				}
			}
			catch (RuntimeException ex) {
				print("ERROR " + command[0] + " " + ex.getClass().getSimpleName() + " " + ex.getMessage());
			}
		}
	}

	private static synchronized void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

}

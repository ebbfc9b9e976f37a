package io.github.redisstreamclient.autoconfigure.health;

import java.time.Duration;
import java.time.Instant;

import io.github.redisstreamclient.core.RecoverableStreamClient;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP while the client reads its Load Balancer Stream and renews its session; DOWN once it terminated (its LBS reader
 * ran out of retries, or Redis denied a permission: the reason says which and what to grant), was closed, or has
 * not renewed its session for longer than the lease TTL.
 */
public class RedisStreamClientHealthIndicator extends AbstractHealthIndicator {

	private final RecoverableStreamClient client;

	public RedisStreamClientHealthIndicator(RecoverableStreamClient client) {
		super("Redis stream client health check failed");
		this.client = client;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant lastRenewal = this.client.lastRenewal();
		Duration renewalAge = (lastRenewal != null) ? Duration.between(lastRenewal, Instant.now()) : null;
		builder.withDetail("consumerId", this.client.id())
			.withDetail("service", this.client.serviceName())
			.withDetail("ownedStreams", this.client.ownedStreams().size())
			.withDetail("expiryDetection", this.client.expiryDetection());
		if (renewalAge != null) {
			builder.withDetail("lastRenewalAge", renewalAge.toMillis() + "ms");
		}
		Instant lastRead = this.client.lastRead();
		if (lastRead != null) {
			builder.withDetail("lastReadAge", Duration.between(lastRead, Instant.now()).toMillis() + "ms");
		}
		builder.withDetail("readFailuresInARow", this.client.readFailuresInARow());
		if (this.client.isTerminated()) {
			String reason = this.client.terminationReason();
			builder.down().withDetail("reason", (reason != null) ? reason : "LBS subscription terminated");
		}
		else if (!this.client.isRunning()) {
			builder.down().withDetail("reason", "client not running");
		}
		else if (renewalAge != null && renewalAge.compareTo(this.client.leaseTtl()) > 0) {
			builder.down().withDetail("reason", "session not renewed for longer than the lease TTL");
		}
		else {
			builder.up();
		}
	}

}

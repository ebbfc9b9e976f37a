package io.github.redisstreamclient.fuzz;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * What went wrong out of a test's sight while it ran: exceptions that reached a thread's uncaught-exception handler,
 * and warnings or errors the library logged. Install it around the code under test and close it after.
 */
public final class Trouble implements AutoCloseable {

	private final List<String> uncaught = new CopyOnWriteArrayList<>();

	private final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();

	private final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();

	private final Logger library = (Logger) LoggerFactory.getLogger("io.github.redisstreamclient");

	private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {

		@Override
		protected void append(ILoggingEvent event) {
			if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
				Trouble.this.logged.add(event);
			}
		}

	};

	private Trouble() {
	}

	public static Trouble watch() {
		Trouble trouble = new Trouble();
		Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> trouble.uncaught.add(thread.getName() + ": " + ex));
		trouble.appender.start();
		trouble.library.addAppender(trouble.appender);
		return trouble;
	}

	/** Exceptions that escaped a thread, as {@code thread: exception}. */
	public List<String> uncaught() {
		return List.copyOf(this.uncaught);
	}

	/** Warnings and errors the library logged whose text does not start with one of {@code expected}. */
	public List<String> unexpectedWarnings(String... expected) {
		return this.logged.stream()
			.map(ILoggingEvent::getFormattedMessage)
			.filter((message) -> java.util.Arrays.stream(expected).noneMatch(message::startsWith))
			.map((message) -> Fuzz.render(message))
			.toList();
	}

	@Override
	public void close() {
		this.library.detachAppender(this.appender);
		this.appender.stop();
		Thread.setDefaultUncaughtExceptionHandler(this.previous);
	}

}

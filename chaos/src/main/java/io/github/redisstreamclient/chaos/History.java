package io.github.redisstreamclient.chaos;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The history of one run: every event of every actor, kept in memory for the checker and written to a file line by
 * line, so that a run that fails can be read afterwards ({@code sort -n} puts it in time order).
 */
final class History implements AutoCloseable {

	private final List<HistoryEvent> events = new ArrayList<>();

	private final BufferedWriter file;

	History(Path file) {
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the history to " + file, ex);
		}
	}

	synchronized void record(HistoryEvent event) {
		this.events.add(event);
		try {
			this.file.write(event.format());
			this.file.newLine();
			// Flushed per line: a run that hangs or is killed still leaves a history to read.
			this.file.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Every event so far in time order; events with the same time stay in the order they were recorded. */
	synchronized List<HistoryEvent> events() {
		List<HistoryEvent> sorted = new ArrayList<>(this.events);
		sorted.sort(Comparator.comparingLong(HistoryEvent::micros));
		return sorted;
	}

	static List<HistoryEvent> read(Path file) throws IOException {
		List<HistoryEvent> events = new ArrayList<>();
		for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
			if (!line.isBlank()) {
				events.add(HistoryEvent.parse(line));
			}
		}
		events.sort(Comparator.comparingLong(HistoryEvent::micros));
		return events;
	}

	@Override
	public synchronized void close() {
		try {
			this.file.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

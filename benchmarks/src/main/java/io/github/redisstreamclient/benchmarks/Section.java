package io.github.redisstreamclient.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One benchmark's part of PERFORMANCE.md. */
record Section(String key, String markdown) {

	/** Shared by the benchmarks: the Redis under test, where charts go, the run's size. */
	record Context(io.github.redisstreamclient.test.RedisServer redis, Path outputDir, boolean quick) {
	}

	/** A markdown table builder. */
	static final class Table {

		private final List<String[]> rows = new ArrayList<>();

		Table(String... header) {
			this.rows.add(header);
		}

		Table row(Object... cells) {
			String[] text = new String[cells.length];
			for (int i = 0; i < cells.length; i++) {
				text[i] = String.valueOf(cells[i]);
			}
			this.rows.add(text);
			return this;
		}

		@Override
		public String toString() {
			StringBuilder md = new StringBuilder();
			for (int r = 0; r < this.rows.size(); r++) {
				md.append("| ").append(String.join(" | ", this.rows.get(r))).append(" |\n");
				if (r == 0) {
					md.append("|");
					for (int c = 0; c < this.rows.get(0).length; c++) {
						md.append(" --- |");
					}
					md.append('\n');
				}
			}
			return md.toString();
		}

	}

	static String verdict(boolean met) {
		return met ? "**met**" : "**missed**";
	}

}

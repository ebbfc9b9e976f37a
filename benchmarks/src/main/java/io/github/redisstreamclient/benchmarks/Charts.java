package io.github.redisstreamclient.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.style.Styler.LegendPosition;

/** PNG charts with XChart. */
final class Charts {

	private static final Color[] COLORS = { new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
			new Color(0xd62728), new Color(0x9467bd) };

	private Charts() {
	}

	/**
	 * A grouped bar chart.
	 * @param series series name → values, one per category
	 * @return the file name written into {@code dir}
	 */
	static String bars(Path dir, String fileName, String title, String xTitle, String yTitle, List<String> categories,
			Map<String, List<Double>> series, boolean logarithmic) {
		CategoryChart chart = new CategoryChartBuilder().width(900)
			.height(480)
			.title(title)
			.xAxisTitle(xTitle)
			.yAxisTitle(yTitle)
			.build();
		chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
		chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
		chart.getStyler().setYAxisLogarithmic(logarithmic);
		if (logarithmic) {
			// XChart's bars start at the axis minimum, which must be positive on a log axis.
			chart.getStyler().setYAxisMin(1.0);
		}
		chart.getStyler().setLabelsVisible(true);
		chart.getStyler().setDecimalPattern("#,##0.#");
		chart.getStyler().setSeriesColors(COLORS);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		for (Map.Entry<String, List<Double>> entry : series.entrySet()) {
			List<Double> values = new ArrayList<>();
			for (Double value : entry.getValue()) {
				// A log axis cannot show 0 or NaN.
				values.add((value == null || value.isNaN() || (logarithmic && value <= 0)) ? (logarithmic ? 1.0 : 0)
						: value);
			}
			chart.addSeries(entry.getKey(), categories, values);
		}
		return save(chart, dir, fileName);
	}

	/**
	 * A histogram of latencies in milliseconds, one series per data set, with shared bins.
	 */
	static String histogram(Path dir, String fileName, String title, Map<String, List<Double>> data, int bins) {
		double min = Double.MAX_VALUE;
		double max = 0;
		for (List<Double> values : data.values()) {
			for (double v : values) {
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
		}
		min = Math.floor(min / 100) * 100;
		max = Math.ceil((max + 1) / 100) * 100;
		CategoryChart chart = new CategoryChartBuilder().width(1000)
			.height(500)
			.title(title)
			.xAxisTitle("latency (ms, bin centre)")
			.yAxisTitle("failovers")
			.build();
		chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
		chart.getStyler().setAvailableSpaceFill(0.96);
		chart.getStyler().setOverlapped(true);
		chart.getStyler().setXAxisLabelRotation(60);
		chart.getStyler().setXAxisDecimalPattern("#0");
		chart.getStyler().setXAxisMaxLabelCount(20);
		chart.getStyler().setSeriesColors(COLORS);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		Map<String, Histogram> histograms = new LinkedHashMap<>();
		for (Map.Entry<String, List<Double>> entry : data.entrySet()) {
			histograms.put(entry.getKey(), new Histogram(entry.getValue(), bins, min, max));
		}
		histograms.forEach((name, h) -> chart.addSeries(name, h.getxAxisData(), h.getyAxisData()));
		return save(chart, dir, fileName);
	}

	/** Rates as a short comma-separated list. */
	static String list(double[] values) {
		StringBuilder text = new StringBuilder();
		for (double v : values) {
			text.append(text.length() > 0 ? ", " : "").append(Bench.fmt(v, 0));
		}
		return text.toString();
	}

	private static String save(CategoryChart chart, Path dir, String fileName) {
		try {
			Files.createDirectories(dir);
			BitmapEncoder.saveBitmap(chart, dir.resolve(fileName).toString(), BitmapFormat.PNG);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return fileName + ".png";
	}

}

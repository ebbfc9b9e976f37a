package io.github.redisstreamclient.benchmarks;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
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
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;

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

	/** One panel of {@link #panels}: a y axis title and its series (name → one value per x). */
	record Panel(String title, String yTitle, Map<String, List<Double>> series) {
	}

	/**
	 * Line charts over one logarithmic x axis, stacked into one PNG: for measures of different units that grow with
	 * the same thing (held streams).
	 * @return the file name written into {@code dir}
	 */
	static String panels(Path dir, String fileName, String xTitle, List<Double> x, List<Panel> panels) {
		List<BufferedImage> images = new ArrayList<>();
		for (Panel panel : panels) {
			XYChart chart = new XYChartBuilder().width(900)
				.height(320)
				.title(panel.title())
				.xAxisTitle(xTitle)
				.yAxisTitle(panel.yTitle())
				.build();
			chart.getStyler().setXAxisLogarithmic(true);
			chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
			chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
			chart.getStyler().setSeriesColors(COLORS);
			chart.getStyler().setChartBackgroundColor(Color.WHITE);
			chart.getStyler().setYAxisDecimalPattern("#,##0.##");
			chart.getStyler().setXAxisDecimalPattern("#,##0");
			chart.getStyler().setYAxisMin(0.0);
			for (Map.Entry<String, List<Double>> entry : panel.series().entrySet()) {
				List<Double> xs = new ArrayList<>();
				List<Double> ys = new ArrayList<>();
				for (int i = 0; i < x.size() && i < entry.getValue().size(); i++) {
					Double y = entry.getValue().get(i);
					if (y != null && !y.isNaN()) {
						xs.add(x.get(i));
						ys.add(y);
					}
				}
				if (!xs.isEmpty()) {
					chart.addSeries(entry.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
				}
			}
			images.add(BitmapEncoder.getBufferedImage(chart));
		}
		int width = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
		int height = images.stream().mapToInt(BufferedImage::getHeight).sum();
		BufferedImage all = new BufferedImage(width, Math.max(1, height), BufferedImage.TYPE_INT_RGB);
		Graphics2D g = all.createGraphics();
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, height);
		int y = 0;
		for (BufferedImage image : images) {
			g.drawImage(image, 0, y, null);
			y += image.getHeight();
		}
		g.dispose();
		try {
			Files.createDirectories(dir);
			ImageIO.write(all, "png", dir.resolve(fileName + ".png").toFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return fileName + ".png";
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

package org.minuteswarm.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The PNG: distribution time (publication -> every listener holds it) per measured segment, one
 * line per phase, and the physical floor (segment bytes / origin cap) as a dashed line. When the
 * phases differ by more than 20x (an HTTP origin falling behind), the time axis is logarithmic
 * so the fast lines stay readable. Segments that never reached every listener have no point;
 * the legend counts them.
 */
final class DistributionChart {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd)};

    private DistributionChart() {
    }

    static void write(Path png, BenchSettings s, List<RunResult> runs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        double min = Double.MAX_VALUE;
        double max = 0;
        int segments = 0;
        for (RunResult r : runs) {
            long never = r.incompleteSegments();
            XYSeries line = new XYSeries(r.name() + (never > 0 ? " (" + never + " segments never reached everyone)" : ""));
            int i = 0;
            for (RunResult.Segment g : r.segments()) {
                i++;
                if (g.distributionMillis().isPresent()) {
                    double v = g.distributionMillis().getAsLong() / 1000.0;
                    line.add(i, v);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            segments = Math.max(segments, i);
            data.addSeries(line);
        }
        XYSeries floor = new XYSeries("physical floor (segment bytes / origin cap)");
        RunResult first = runs.get(0);
        int i = 0;
        for (RunResult.Segment g : first.segments()) {
            double v = g.floorMillis(s.originUploadBytesPerSecond()) / 1000.0;
            floor.add(++i, v);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        data.addSeries(floor);

        NumberAxis x = new NumberAxis("measured segment (" + s.segmentDuration().toSeconds() + " s each)");
        x.setTickUnit(new NumberTickUnit(Math.max(1, segments / 20)));
        x.setRange(0.5, Math.max(segments, 1) + 0.5);
        String yLabel = "publication -> every listener holds it (s)";
        NumberAxis y;
        if (max / Math.max(min, 1e-3) > 20) {
            LogAxis log = new LogAxis(yLabel + ", log scale");
            log.setBase(10);
            log.setSmallestValue(0.1);
            log.setRange(Math.max(0.1, min / 1.5), max * 1.5);
            log.setNumberFormatOverride(new java.text.DecimalFormat("0.##"));
            XYPlot plot = plot(data, x, log, runs.size());
            render(png, s, plot);
            return;
        }
        y = new NumberAxis(yLabel);
        y.setRange(0, max * 1.15);
        render(png, s, plot(data, x, y, runs.size()));
    }

    private static XYPlot plot(XYSeriesCollection data, NumberAxis x, org.jfree.chart.axis.ValueAxis y, int runs) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int k = 0; k < runs; k++) {
            r.setSeriesPaint(k, COLORS[k % COLORS.length]);
            r.setSeriesStroke(k, new BasicStroke(2f));
        }
        r.setSeriesPaint(runs, Color.DARK_GRAY);
        r.setSeriesStroke(runs, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {8f, 6f}, 0f));
        r.setSeriesShapesVisible(runs, false);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xbbbbbb));
        return plot;
    }

    private static void render(Path png, BenchSettings s, XYPlot plot) throws IOException {
        JFreeChart chart = new JFreeChart("Segment distribution time", new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.addSubtitle(new TextTitle(s.describe(), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 560);
    }
}

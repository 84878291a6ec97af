using ScottPlot;
using SkiaSharp;

namespace MantisShrimp.Engine.Plots;

/// <summary>Small helpers over ScottPlot 5 (line/point plots) and SkiaSharp (image mosaics), writing PNGs.</summary>
public static class Figures
{
    public const int Width = 900, Height = 600;

    public static Plot New(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    public static void Line(Plot plot, double[] xs, double[] ys, string label, float width = 2)
    {
        var s = plot.Add.Scatter(xs, ys);
        s.LegendText = label;
        s.MarkerSize = 0;
        s.LineWidth = width;
    }

    public static void Points(Plot plot, double[] xs, double[] ys, string label, float size = 4, Color? color = null)
    {
        var s = plot.Add.ScatterPoints(xs, ys);
        s.LegendText = label;
        s.MarkerSize = size;
        if (color is { } c) s.Color = c;
    }

    public static void Save(Plot plot, string path, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.ShowLegend();
        plot.SavePng(path, width, height);
    }

    /// <summary>Like <see cref="Save"/>, with the legend in a panel right of the axes, where it covers no data.</summary>
    public static void SaveLegendRight(Plot plot, string path, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, width, height);
    }

    /// <summary>Panels stacked top to bottom in one PNG, their axes aligned.</summary>
    public static void SaveStacked(string path, IReadOnlyList<Plot> panels, int width, int panelHeight)
    {
        // One fixed frame for every panel, so their x axes line up (auto layout sizes each to its own tick labels).
        foreach (var p in panels) p.Layout.Fixed(new PixelPadding(90, 30, 70, 40));
        using var all = new SKBitmap(width, panelHeight * panels.Count);
        using (var canvas = new SKCanvas(all))
        {
            canvas.Clear(SKColors.White);
            for (int i = 0; i < panels.Count; i++)
            {
                using var one = SKBitmap.Decode(panels[i].GetImageBytes(width, panelHeight, ImageFormat.Png));
                canvas.DrawBitmap(one, 0, i * panelHeight);
            }
        }
        SavePng(all, path);
    }

    /// <summary>
    /// A 2-D density of (x, y) points over [min, max]², drawn as a heatmap of log10(1 + count) beneath what follows;
    /// empty cells are transparent.
    /// </summary>
    public static void Density(Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> ys, double min, double max, int bins)
    {
        var counts = new int[bins, bins];
        for (int i = 0; i < xs.Count; i++)
        {
            int cx = (int)Math.Floor((xs[i] - min) / (max - min) * bins), cy = (int)Math.Floor((ys[i] - min) / (max - min) * bins);
            if (cx < 0 || cx >= bins || cy < 0 || cy >= bins) continue;
            counts[cy, cx]++;
        }
        var intensity = new double[bins, bins];
        for (int r = 0; r < bins; r++)
            for (int c = 0; c < bins; c++)
                intensity[bins - 1 - r, c] = counts[r, c] == 0 ? double.NaN : Math.Log10(1 + counts[r, c]); // row 0 is drawn at the top
        var map = plot.Add.Heatmap(intensity);
        map.Extent = new CoordinateRect(min, max, min, max);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.NaNCellColor = Colors.Transparent;
        plot.Add.ColorBar(map).Label = "log10(1 + galaxies per cell)";
    }

    /// <summary>Histogram as a step line: (bin centres, counts).</summary>
    public static (double[] Centres, double[] Counts) Histogram(IEnumerable<double> values, double min, double max, int bins)
    {
        var counts = new double[bins];
        foreach (var v in values)
        {
            int b = (int)Math.Floor((v - min) / (max - min) * bins);
            if (b >= 0 && b < bins) counts[b]++;
        }
        return (Enumerable.Range(0, bins).Select(i => min + (i + 0.5) * (max - min) / bins).ToArray(), counts);
    }

    /// <summary>
    /// A mosaic of grey-scale tiles (row-major list of rows), each tile an image plane [y, x] with y up (FITS order),
    /// scaled to <paramref name="tile"/> pixels and stretched with asinh between robust limits; NaN is drawn red.
    /// </summary>
    /// <param name="labels">Per tile, the text drawn in its top-left corner (a band name), as <paramref name="rows"/> is laid out.</param>
    public static void Mosaic(string path, IReadOnlyList<IReadOnlyList<(float[] Pixels, int Size)>> rows, int tile = 120, int gap = 4,
        IReadOnlyList<IReadOnlyList<string>>? labels = null)
    {
        using var bitmap = MosaicBitmap(rows, tile, gap, labels);
        SavePng(bitmap, path);
    }

    /// <summary>A mosaic (see <see cref="Mosaic"/>) above a ScottPlot figure, as one PNG.</summary>
    public static void MosaicAbove(string path, IReadOnlyList<IReadOnlyList<(float[] Pixels, int Size)>> rows, Plot plot, int tile = 100,
        int plotHeight = 420,
        IReadOnlyList<IReadOnlyList<string>>? labels = null)
    {
        using var mosaic = MosaicBitmap(rows, tile, 4, labels);
        plot.ShowLegend();
        using var chart = SKBitmap.Decode(plot.GetImageBytes(mosaic.Width, plotHeight, ImageFormat.Png));
        using var both = new SKBitmap(mosaic.Width, mosaic.Height + chart.Height);
        using (var canvas = new SKCanvas(both))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(mosaic, 0, 0);
            canvas.DrawBitmap(chart, 0, mosaic.Height);
        }
        SavePng(both, path);
    }

    private static void SavePng(SKBitmap bitmap, string path)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        Common.AtomicFile.Write(path, data.SaveTo);
    }

    private static SKBitmap MosaicBitmap(IReadOnlyList<IReadOnlyList<(float[] Pixels, int Size)>> rows, int tile, int gap,
        IReadOnlyList<IReadOnlyList<string>>? labels = null)
    {
        int cols = rows.Max(r => r.Count);
        int w = cols * tile + (cols + 1) * gap, h = rows.Count * tile + (rows.Count + 1) * gap;
        var bitmap = new SKBitmap(w, h);
        using (var canvas = new SKCanvas(bitmap)) canvas.Clear(new SKColor(40, 40, 40));
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < rows[r].Count; c++)
            {
                var (pixels, size) = rows[r][c];
                var finite = pixels.Where(float.IsFinite).Order().ToArray();
                // Sky-relative asinh stretch: black at median − 1σ (σ from the MAD), softening at 3σ, white at the 99.9th percentile.
                double median = finite.Length > 0 ? finite[finite.Length / 2] : 0;
                double mad = finite.Length > 0 ? 1.4826 * finite.Select(v => Math.Abs(v - median)).Order().ElementAt(finite.Length / 2) : 1;
                double lo = median - mad;
                double hi = finite.Length > 0 ? Math.Max(finite[(int)(0.999 * (finite.Length - 1))], lo + 1e-12) : 1;
                double soft = Math.Max(3 * mad, 1e-12);
                double top = Math.Asinh((hi - lo) / soft);
                // A constant image (no coverage: all zeros) would come out all black like a dark sky: grey, and said so.
                bool constant = finite.Length > 0 && finite[0] == finite[^1];
                int ox = gap + c * (tile + gap), oy = gap + r * (tile + gap);
                for (int ty = 0; ty < tile; ty++)
                    for (int tx = 0; tx < tile; tx++)
                    {
                        int sx = tx * size / tile, sy = (tile - 1 - ty) * size / tile; // flip: north up
                        float v = pixels[sy * size + sx];
                        SKColor color;
                        if (float.IsNaN(v)) color = new SKColor(200, 40, 40);
                        else if (constant) color = new SKColor(90, 90, 110);
                        else
                        {
                            byte g = (byte)Math.Clamp(255 * Math.Asinh(Math.Max(0, v - lo) / soft) / top, 0, 255);
                            color = new SKColor(g, g, g);
                        }
                        bitmap.SetPixel(ox + tx, oy + ty, color);
                    }
            }
        if (labels is not null) DrawLabels(bitmap, labels, tile, gap);
        return bitmap;
    }

    /// <summary>Each tile's label on a dark box in its top-left corner, so it reads on bright and dark images alike.</summary>
    private static void DrawLabels(SKBitmap bitmap, IReadOnlyList<IReadOnlyList<string>> labels, int tile, int gap)
    {
        using var canvas = new SKCanvas(bitmap);
        using var font = new SKFont(SKTypeface.Default, Math.Max(10, tile / 9f));
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var box = new SKPaint { Color = new SKColor(0, 0, 0, 170) };
        for (int r = 0; r < labels.Count; r++)
            for (int c = 0; c < labels[r].Count; c++)
            {
                if (string.IsNullOrEmpty(labels[r][c])) continue;
                float ox = gap + c * (tile + gap), oy = gap + r * (tile + gap);
                float w = font.MeasureText(labels[r][c]);
                canvas.DrawRect(ox, oy, w + 6, font.Size + 5, box);
                canvas.DrawText(labels[r][c], ox + 3, oy + font.Size + 1, font, text);
            }
    }
}

namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Background and noise of an image, as sep's <c>Background</c> (Source Extractor's BACK_SIZE / BACK_FILTERSIZE):
/// the image is cut into meshes of <see cref="MeshSize"/>² pixels (the last row/column of meshes takes what is
/// left); each mesh gets a κσ-clipped mode and standard deviation; the mesh grid is median-filtered over
/// <see cref="FilterSize"/>² meshes; the background at a pixel is interpolated between mesh centres.
/// Global level and RMS are the medians over meshes (sep's <c>globalback</c> / <c>globalrms</c>).
/// Differs from sep on purpose in one detail: bilinear rather than bicubic-spline interpolation between mesh
/// centres (the cutouts here hold 1×1 to 3×3 meshes, where the two agree closely).
/// </summary>
public sealed class Background
{
    /// <summary>sep's default mesh size (bw = bh = 64).</summary>
    public const int MeshSize = 64;
    /// <summary>sep's default median filter over meshes (fw = fh = 3).</summary>
    public const int FilterSize = 3;
    /// <summary>Clipping at ±3σ about the median, iterated until stable (Source Extractor's backstat).</summary>
    public const double ClipSigma = 3.0;
    private const int MaxClipIterations = 20;
    /// <summary>Source Extractor's test for a crowded mesh: mode = 2.5 median − 1.5 mean only when |mean − median| &lt; 0.3σ.</summary>
    private const double ModeSkewLimit = 0.3;

    private readonly float[] _meshBack, _meshRms;

    private Background(int width, int height, int nx, int ny, int meshW, int meshH, float[] back, float[] rms)
    {
        Width = width; Height = height; MeshesX = nx; MeshesY = ny; MeshWidth = meshW; MeshHeight = meshH;
        _meshBack = back; _meshRms = rms;
        GlobalBack = Median(back.Where(float.IsFinite).ToArray());
        GlobalRms = Median(rms.Where(float.IsFinite).ToArray());
    }

    public int Width { get; }
    public int Height { get; }
    public int MeshesX { get; }
    public int MeshesY { get; }
    public int MeshWidth { get; }
    public int MeshHeight { get; }
    public float GlobalBack { get; }
    public float GlobalRms { get; }

    /// <summary>Estimates the background of a row-major image; NaN and infinite pixels are ignored.</summary>
    public static Background Measure(ReadOnlySpan<float> image, int width, int height, int meshSize = MeshSize, int filterSize = FilterSize)
    {
        if (image.Length != width * height) throw new ArgumentException($"Image of {image.Length} pixels is not {width}×{height}.");
        int meshW = Math.Min(meshSize, width), meshH = Math.Min(meshSize, height);
        int nx = (width - 1) / meshW + 1, ny = (height - 1) / meshH + 1;
        var back = new float[nx * ny];
        var rms = new float[nx * ny];
        var buffer = new List<float>(meshW * meshH * 2);
        for (int my = 0; my < ny; my++)
            for (int mx = 0; mx < nx; mx++)
            {
                buffer.Clear();
                int x0 = mx * meshW, y0 = my * meshH;
                int x1 = mx == nx - 1 ? width : x0 + meshW, y1 = my == ny - 1 ? height : y0 + meshH;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                    {
                        float v = image[y * width + x];
                        if (float.IsFinite(v)) buffer.Add(v);
                    }
                (back[my * nx + mx], rms[my * nx + mx]) = ClippedMode(buffer);
            }
        FillEmptyMeshes(back); FillEmptyMeshes(rms);
        return new Background(width, height, nx, ny, meshW, meshH, MedianFilter(back, nx, ny, filterSize), MedianFilter(rms, nx, ny, filterSize));
    }

    /// <summary>Background level at pixel (x, y), bilinear between mesh centres (constant beyond the outer centres).</summary>
    public float BackAt(int x, int y) => Interpolate(_meshBack, x, y);

    private float Interpolate(float[] mesh, int x, int y)
    {
        if (MeshesX == 1 && MeshesY == 1) return mesh[0];
        double gx = Math.Clamp((x + 0.5) / MeshWidth - 0.5, 0, MeshesX - 1);
        double gy = Math.Clamp((y + 0.5) / MeshHeight - 0.5, 0, MeshesY - 1);
        int ix = Math.Min((int)gx, MeshesX - 2 < 0 ? 0 : MeshesX - 2), iy = Math.Min((int)gy, MeshesY - 2 < 0 ? 0 : MeshesY - 2);
        int ix1 = Math.Min(ix + 1, MeshesX - 1), iy1 = Math.Min(iy + 1, MeshesY - 1);
        double fx = gx - ix, fy = gy - iy;
        double top = mesh[iy * MeshesX + ix] * (1 - fx) + mesh[iy * MeshesX + ix1] * fx;
        double bottom = mesh[iy1 * MeshesX + ix] * (1 - fx) + mesh[iy1 * MeshesX + ix1] * fx;
        return (float)(top * (1 - fy) + bottom * fy);
    }

    /// <summary>κσ-clipped (mode, σ) of a mesh; (NaN, NaN) when it holds no valid pixel.</summary>
    internal static (float Mode, float Sigma) ClippedMode(List<float> values)
    {
        if (values.Count == 0) return (float.NaN, float.NaN);
        var v = values.ToArray();
        Array.Sort(v);
        int lo = 0, hi = v.Length; // current clipped range [lo, hi) of the sorted values
        double mean = 0, sigma = 0, median = 0;
        for (int it = 0; it < MaxClipIterations; it++)
        {
            (mean, sigma) = MeanStd(v.AsSpan(lo, hi - lo));
            median = SortedMedian(v.AsSpan(lo, hi - lo));
            if (sigma == 0) break;
            int nlo = LowerBound(v, median - ClipSigma * sigma), nhi = LowerBound(v, Math.BitIncrement(median + ClipSigma * sigma));
            if (nhi - nlo < 3 || (nlo == lo && nhi == hi)) break;
            lo = nlo; hi = nhi;
        }
        double mode = sigma > 0 && Math.Abs(mean - median) / sigma < ModeSkewLimit ? 2.5 * median - 1.5 * mean : median;
        return ((float)mode, (float)sigma);
    }

    private static (double Mean, double Std) MeanStd(ReadOnlySpan<float> v)
    {
        double sum = 0, sum2 = 0;
        foreach (var x in v) sum += x;
        double mean = sum / v.Length;
        foreach (var x in v) sum2 += (x - mean) * (x - mean);
        return (mean, v.Length > 1 ? Math.Sqrt(sum2 / (v.Length - 1)) : 0);
    }

    private static double SortedMedian(ReadOnlySpan<float> v) =>
        v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + (double)v[v.Length / 2]);

    private static int LowerBound(float[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    internal static float Median(float[] values)
    {
        if (values.Length == 0) return float.NaN;
        var v = (float[])values.Clone();
        Array.Sort(v);
        return (float)SortedMedian(v);
    }

    private static void FillEmptyMeshes(float[] mesh)
    {
        var valid = mesh.Where(float.IsFinite).ToArray();
        float fill = valid.Length > 0 ? Median(valid) : 0f;
        for (int i = 0; i < mesh.Length; i++) if (!float.IsFinite(mesh[i])) mesh[i] = fill;
    }

    private static float[] MedianFilter(float[] mesh, int nx, int ny, int size)
    {
        if (size <= 1 || mesh.Length == 1) return mesh;
        int r = size / 2;
        var result = new float[mesh.Length];
        var window = new List<float>(size * size);
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < nx; x++)
            {
                window.Clear();
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++)
                    {
                        int xx = x + dx, yy = y + dy;
                        if (xx >= 0 && yy >= 0 && xx < nx && yy < ny) window.Add(mesh[yy * nx + xx]);
                    }
                result[y * nx + x] = Median(window.ToArray());
            }
        return result;
    }
}

namespace MantisShrimp.Engine.Sources;

/// <summary>
/// Background and noise of an image, as sep 1.2's <c>Background</c> (background.c, Source Extractor's BACK_SIZE /
/// BACK_FILTERSIZE): the image is cut into meshes of <see cref="MeshSize"/>² pixels (the last row/column of meshes
/// takes what is left); each mesh gets sep's histogram mode and σ (<c>backstat</c>, <c>backhisto</c>,
/// <c>backguess</c>); meshes with under half their pixels valid are filled from the nearest valid ones; the mesh
/// grid is median-filtered over <see cref="FilterSize"/>² meshes with sep's edge rule (the window shrinks
/// symmetrically, so an edge mesh of a 3-wide grid keeps its own value in that direction); the background at a
/// pixel is sep's bicubic spline between mesh centres (<c>makebackspline</c>, <c>bkg_line_flt_internal</c>).
/// Global level and RMS are the medians over the filtered meshes (sep's <c>globalback</c> / <c>globalrms</c>).
/// </summary>
public sealed class Background
{
    /// <summary>sep's default mesh size (bw = bh = 64).</summary>
    public const int MeshSize = 64;
    /// <summary>sep's default median filter over meshes (fw = fh = 3).</summary>
    public const int FilterSize = 3;
    /// <summary>background.c BACK_MINGOODFRAC: a mesh with fewer valid pixels than this fraction is bad.</summary>
    private const double MinGoodFraction = 0.5;
    /// <summary>background.c QUANTIF_NSIGMA, QUANTIF_NMAXLEVELS, QUANTIF_AMIN: the mesh histogram's span and bins.</summary>
    private const int QuantifNSigma = 5, QuantifMaxLevels = 4096, QuantifAMin = 4;
    /// <summary>backguess: the mode is 2.5 median − 1.5 mean only when |mean − median| &lt; 0.3σ (else the median).</summary>
    private const double ModeSkewLimit = 0.3;
    /// <summary>backguess: σ iteration stops at this relative change (EPS) or after 100 rounds.</summary>
    private const double GuessEps = 1e-4;
    /// <summary>sepcore.h BIG: a bad mesh's marker.</summary>
    private const float Big = 1e+30f;
    /// <summary>Integers up to this are exact in a double (2⁵³).</summary>
    private const long ExactDoubleLimit = 1L << 53;
    /// <summary>Mesh columns up to which a background row's spline nodes live on the stack (a 170² PS1 cutout has 3).</summary>
    private const int MaxStackMeshes = 64;

    private readonly float[] _meshBack, _meshRms, _dBack;

    private Background(int width, int height, int nx, int ny, int meshW, int meshH, float[] back, float[] rms, float globalBack,
        float globalRms)
    {
        Width = width; Height = height; MeshesX = nx; MeshesY = ny; MeshWidth = meshW; MeshHeight = meshH;
        _meshBack = back; _meshRms = rms;
        GlobalBack = globalBack;
        GlobalRms = globalRms;
        _dBack = MakeSpline(back, nx, ny);
    }

    public int Width { get; }
    public int Height { get; }
    public int MeshesX { get; }
    public int MeshesY { get; }
    public int MeshWidth { get; }
    public int MeshHeight { get; }
    public float GlobalBack { get; }
    public float GlobalRms { get; }

    /// <summary>The filtered mesh levels, row-major (MeshesY × MeshesX).</summary>
    public ReadOnlySpan<float> MeshBack => _meshBack;
    /// <summary>The filtered mesh σ, row-major (MeshesY × MeshesX).</summary>
    public ReadOnlySpan<float> MeshRms => _meshRms;

    /// <summary>Estimates the background of a row-major image; NaN and infinite pixels are ignored.</summary>
    public static Background Measure(ReadOnlySpan<float> image, int width, int height, int meshSize = MeshSize, int filterSize = FilterSize)
    {
        if (image.Length != width * height) throw new ArgumentException($"Image of {image.Length} pixels is not {width}×{height}.");
        // sep: nx = (w − 1)/bw + 1 meshes of bw (the last one w % bw wide); bw itself stays as given for interpolation.
        int bw = meshSize, bh = meshSize;
        int nx = Math.Max(1, (width - 1) / bw + 1), ny = Math.Max(1, (height - 1) / bh + 1);
        var back = new float[nx * ny];
        var rms = new float[nx * ny];
        var buffers = ExtractionBuffers.ForThread();
        var histo = buffers.Histogram(QuantifMaxLevels);
        var prefix = buffers.HistogramPrefix(3 * (QuantifMaxLevels + 1));
        for (int my = 0; my < ny; my++)
            for (int mx = 0; mx < nx; mx++)
            {
                int x0 = mx * bw, y0 = my * bh;
                int x1 = Math.Min(width, x0 + bw), y1 = Math.Min(height, y0 + bh);
                (back[my * nx + mx], rms[my * nx + mx]) = MeshStatistics(image, width, x0, x1, y0, y1, histo, prefix);
            }
        var (globalBack, globalRms) = Filter(back, rms, nx, ny, filterSize, filterSize);
        return new Background(width, height, nx, ny, bw, bh, back, rms, globalBack, globalRms);
    }

    /// <summary>
    /// One mesh as backstat + backhisto + backguess: mean and σ, a second pass within ±2σ, a histogram of
    /// (step·n + 1) bins over mean ± 5σ, then the iterated 3σ-clipped histogram median/mean. (−BIG, −BIG) when bad.
    /// </summary>
    private static (float Mode, float Sigma) MeshStatistics(ReadOnlySpan<float> image, int width, int x0, int x1, int y0, int y1,
        int[] histo, long[] prefix)
    {
        int size = (x1 - x0) * (y1 - y0);
        double mean = 0, sigma = 0;
        int npix = 0;
        for (int y = y0; y < y1; y++)
        {
            var row = image.Slice(y * width + x0, x1 - x0);
            foreach (float v in row)
                if (v > -Big && float.IsFinite(v)) { mean += v; sigma += (double)v * v; npix++; }
        }
        if (npix < (float)(size * MinGoodFraction)) return (-Big, -Big);
        mean /= npix;
        double sig = sigma / npix - mean * mean;
        sigma = sig > 0 ? Math.Sqrt(sig) : 0;
        float lcut = (float)(mean - 2 * sigma), hcut = (float)(mean + 2 * sigma);
        mean = sigma = 0;
        npix = 0;
        for (int y = y0; y < y1; y++)
        {
            var row = image.Slice(y * width + x0, x1 - x0);
            foreach (float v in row)
                if (v <= hcut && v >= lcut) { mean += v; sigma += (double)v * v; npix++; }
        }
        mean /= npix;
        sig = sigma / npix - mean * mean;
        sigma = sig > 0 ? Math.Sqrt(sig) : 0;
        double step = Math.Sqrt(2 / Math.PI) * QuantifNSigma / QuantifAMin;
        int nlevels = Math.Min((int)(step * npix + 1), QuantifMaxLevels);
        float qscale = sigma > 0 ? (float)(2 * QuantifNSigma * sigma / nlevels) : 1f;
        float qzero = (float)(mean - QuantifNSigma * sigma);
        float meshMean = (float)mean;

        Array.Clear(histo, 0, nlevels);
        float cste = 0.499999f - qzero / qscale;
        for (int y = y0; y < y1; y++)
        {
            var row = image.Slice(y * width + x0, x1 - x0);
            foreach (float v in row)
            {
                float f = v / qscale + cste;
                // C's (int) truncates toward 0, so (−1, 0) is bin 0; NaN falls outside.
                if (!(f > -1) || f >= nlevels) continue;
                histo[(int)f]++;
            }
        }
        return Guess(histo, nlevels, meshMean, qzero, qscale, prefix);
    }

    /// <summary>
    /// backguess with each round in O(log bins) instead of a pass over the bins, the same numbers bit for bit. sep's
    /// round sums pix, pix·i and pix·i² over the bins [lcut, hcut] in doubles: integers, each partial sum below 2⁵³
    /// while Σ pix·i² is (checked; else <see cref="GuessLiteral"/>), so the sums are exact and equal to differences of
    /// 64-bit prefix sums. Its median walk (the low end takes the next bin while lowsum &lt; highsum, else the high
    /// end does, one bin per step, hcut − lcut + 1 steps) is a merge of the non-decreasing sequences L(a) (the first
    /// a bins from lcut) and H(b) (the first b bins down from hcut) in which a tie goes to H; after n steps the low
    /// end has taken the least a with L(a) ≥ H(n − a − 1) (or a = n), found by bisection on the prefix sums.
    /// </summary>
    internal static (float Mode, float Sigma) Guess(int[] histo, int nlevels, float bmean, float qzero, float qscale, long[] prefix)
    {
        // prefix[3k], [3k + 1], [3k + 2]: Σ pix, Σ pix·i, Σ pix·i² over the bins below k.
        long c0 = 0, c1 = 0, c2 = 0;
        prefix[0] = prefix[1] = prefix[2] = 0;
        for (int i = 0; i < nlevels; i++)
        {
            long pix = histo[i];
            c0 += pix; c1 += pix * i; c2 += pix * i * i;
            prefix[3 * i + 3] = c0; prefix[3 * i + 4] = c1; prefix[3 * i + 5] = c2;
        }
        if (c2 >= ExactDoubleLimit) return GuessLiteral(histo, nlevels, bmean, qzero, qscale);
        int nlevelsm1 = nlevels - 1, lcut = 0, hcut = nlevelsm1;
        double sig = 10.0 * nlevelsm1, sig1 = 1.0, mea = bmean, med = bmean;
        for (int n = 100; n-- > 0 && sig >= 0.1 && Math.Abs(sig / sig1 - 1.0) > GuessEps;)
        {
            sig1 = sig;
            // sep's loop runs no step when the cuts cross (then every sum is 0).
            int steps = Math.Max(0, hcut - lcut + 1);
            long below = steps > 0 ? prefix[3 * lcut] : 0, top = steps > 0 ? prefix[3 * (hcut + 1)] : 0;
            // L(a) = prefix₀(lcut + a) − prefix₀(lcut); H(b) = prefix₀(hcut + 1) − prefix₀(hcut + 1 − b).
            int lo = 0, hi = steps;
            while (lo < hi)
            {
                int a = (lo + hi) >>> 1;
                if (prefix[3 * (lcut + a)] - below >= top - prefix[3 * (hcut - (steps - a - 1) + 1)]) hi = a;
                else lo = a + 1;
            }
            int hilow = lcut + lo, hihigh = hcut - (steps - lo);
            ulong lowsum = steps > 0 ? (ulong)(prefix[3 * hilow] - below) : 0;
            ulong highsum = steps > 0 ? (ulong)(top - prefix[3 * (hihigh + 1)]) : 0;
            ulong sum = (ulong)(top - below);
            mea = steps > 0 ? prefix[3 * (hcut + 1) + 1] - prefix[3 * lcut + 1] : 0;
            sig = steps > 0 ? prefix[3 * (hcut + 1) + 2] - prefix[3 * lcut + 2] : 0;
            // hilow may step one past the last bin when the walk ends on it; sep reads that slot (0 here).
            int atLow = hilow < nlevels ? histo[hilow] : 0, atHigh = hihigh >= 0 ? histo[hihigh] : 0;
            med = hihigh >= 0 ? hihigh + 0.5 + ((double)highsum - lowsum) / (2.0 * Math.Max(atLow, atHigh)) : 0.0;
            if (sum > 0)
            {
                mea /= sum;
                sig = sig / sum - mea * mea;
            }
            sig = sig > 0 ? Math.Sqrt(sig) : 0;
            double ftemp;
            lcut = (ftemp = med - 3.0 * sig) > 0.0 ? (int)(ftemp + 0.5) : 0;
            hcut = (ftemp = med + 3.0 * sig) < nlevelsm1 ? (int)(ftemp > 0.0 ? ftemp + 0.5 : ftemp - 0.5) : nlevelsm1;
        }
        return Mode(mea, med, sig, qzero, qscale);
    }

    /// <summary>backguess: the histogram's clipped mode and σ, literally as sep computes them.</summary>
    internal static (float Mode, float Sigma) GuessLiteral(int[] histo, int nlevels, float bmean, float qzero, float qscale)
    {
        int nlevelsm1 = nlevels - 1, lcut = 0, hcut = nlevelsm1;
        double sig = 10.0 * nlevelsm1, sig1 = 1.0, mea = bmean, med = bmean;
        for (int n = 100; n-- > 0 && sig >= 0.1 && Math.Abs(sig / sig1 - 1.0) > GuessEps;)
        {
            sig1 = sig;
            ulong sum = 0, lowsum = 0, highsum = 0;
            mea = sig = 0;
            int hilow = lcut, hihigh = hcut;
            for (int i = lcut; i <= hcut; i++)
            {
                if (lowsum < highsum) lowsum += (ulong)histo[hilow++];
                else highsum += (ulong)histo[hihigh--];
                int pix = histo[i];
                sum += (ulong)pix;
                double dpix = (double)pix * i;
                mea += dpix;
                sig += dpix * i;
            }
            // hilow may step one past the last bin when the loop ends on it; sep reads that slot (0 here).
            int atLow = hilow < nlevels ? histo[hilow] : 0, atHigh = hihigh >= 0 ? histo[hihigh] : 0;
            med = hihigh >= 0 ? hihigh + 0.5 + ((double)highsum - lowsum) / (2.0 * Math.Max(atLow, atHigh)) : 0.0;
            if (sum > 0)
            {
                mea /= sum;
                sig = sig / sum - mea * mea;
            }
            sig = sig > 0 ? Math.Sqrt(sig) : 0;
            double ftemp;
            lcut = (ftemp = med - 3.0 * sig) > 0.0 ? (int)(ftemp + 0.5) : 0;
            hcut = (ftemp = med + 3.0 * sig) < nlevelsm1 ? (int)(ftemp > 0.0 ? ftemp + 0.5 : ftemp - 0.5) : nlevelsm1;
        }
        return Mode(mea, med, sig, qzero, qscale);
    }

    /// <summary>backguess's last step: the mode (2.5 median − 1.5 mean unless skewed) and σ in pixel units.</summary>
    private static (float Mode, float Sigma) Mode(double mea, double med, double sig, float qzero, float qscale)
    {
        float mode = Math.Abs(sig) > 0
            ? (Math.Abs((mea - med) / sig) < ModeSkewLimit
                ? (float)(qzero + (2.5 * med - 1.5 * mea) * qscale)
                : (float)(qzero + med * qscale))
            : (float)(qzero + mea * qscale);
        return (mode, (float)(sig * qscale));
    }

    /// <summary>
    /// filterback: bad meshes take the mean of the nearest valid ones; then each mesh takes the median of a window
    /// shrunk symmetrically at the grid's edges (fthresh = 0: always); global level/RMS are medians of the result.
    /// </summary>
    private static (float GlobalBack, float GlobalRms) Filter(float[] back, float[] sigma, int nx, int ny, int fw, int fh)
    {
        int np = nx * ny;
        var back2 = new float[np];
        for (int i = 0, py = 0; py < ny; py++)
            for (int px = 0; px < nx; px++, i++)
            {
                if ((back2[i] = back[i]) > -Big) continue;
                float d2min = Big, val = 0, sval = 0;
                int nmin = 0;
                for (int j = 0, y = 0; y < ny; y++)
                    for (int x = 0; x < nx; x++, j++)
                    {
                        if (!(back[j] > -Big)) continue;
                        float d2 = (float)(x - px) * (x - px) + (y - py) * (y - py);
                        if (d2 < d2min) { val = back[j]; sval = sigma[j]; nmin = 1; d2min = d2; }
                        else if (d2 == d2min) { val += back[j]; sval += sigma[j]; nmin++; }
                    }
                back2[i] = nmin > 0 ? val / nmin : 0f;
                sigma[i] = nmin > 0 ? sval / nmin : 1f;
            }
        Array.Copy(back2, back, np);
        int npx = fw / 2, npy = fh / 2;
        var sigma2 = new float[np];
        var bmask = new float[(2 * npx + 1) * (2 * npy + 1)];
        var smask = new float[bmask.Length];
        for (int py = 0; py < ny; py++)
        {
            int npy2 = Math.Min(Math.Min(ny - py - 1, npy), py);
            for (int px = 0; px < nx; px++)
            {
                int npx2 = Math.Min(Math.Min(nx - px - 1, npx), px);
                int k = 0;
                for (int dy = -npy2; dy <= npy2; dy++)
                    for (int dx = -npx2; dx <= npx2; dx++)
                    {
                        bmask[k] = back[(py + dy) * nx + px + dx];
                        smask[k++] = sigma[(py + dy) * nx + px + dx];
                    }
                back2[py * nx + px] = QMedian(bmask.AsSpan(0, k));
                sigma2[py * nx + px] = QMedian(smask.AsSpan(0, k));
            }
        }
        Array.Copy(back2, back, np);
        Array.Copy(sigma2, sigma, np);
        float global = QMedian(back2);
        float globalRms = QMedian(sigma2.AsSpan().ToArray());
        // A constant image (e.g. GALEX without coverage: zeros) keeps RMS 0 where sep says 1: nothing to detect,
        // and its masked image stays equal to it (a null player in the Shapley game).
        if (globalRms <= 0 && sigma2.Any(s => s > 0))
        {
            // sep: the median of the positive σ at the top of the sorted array, else 1.
            Array.Sort(sigma2);
            int firstPositive = Array.FindIndex(sigma2, s => s > 0);
            globalRms = firstPositive >= 0 && firstPositive < np ? QMedian(sigma2.AsSpan(firstPositive)) : 1f;
        }
        return (global, globalRms);
    }

    /// <summary>sep's fqmedian (sorts its input): the middle value, or the mean of the two middle ones.</summary>
    private static float QMedian(Span<float> v)
    {
        v.Sort();
        int n = v.Length;
        if (n < 2) return v[0];
        return (n & 1) == 1 ? v[n / 2] : (float)((v[n / 2 - 1] + v[n / 2]) / 2.0);
    }

    /// <summary>makebackspline: second derivatives along y at the mesh nodes (natural boundaries).</summary>
    private static float[] MakeSpline(float[] map, int nbx, int nby)
    {
        var dmap = new float[map.Length];
        if (nby < 2) return dmap;
        var u = new float[nby - 1];
        for (int x = 0; x < nbx; x++)
        {
            dmap[x] = u[0] = 0f;
            for (int y = 1; y < nby - 1; y++)
            {
                float temp = -1 / (dmap[(y - 1) * nbx + x] + 4);
                dmap[y * nbx + x] = temp;
                temp *= u[y - 1] - 6 * (map[(y + 1) * nbx + x] + map[(y - 1) * nbx + x] - 2 * map[y * nbx + x]);
                u[y] = temp;
            }
            dmap[(nby - 1) * nbx + x] = 0f;
            for (int y = nby - 2; y >= 1; y--)
                dmap[y * nbx + x] = (dmap[y * nbx + x] * dmap[(y + 1) * nbx + x] + u[y]) / 6.0f;
        }
        return dmap;
    }

    /// <summary>Background level at pixel (x, y) (sep's spline; for many pixels use <see cref="Line"/>).</summary>
    public float BackAt(int x, int y)
    {
        var line = new float[Width];
        Line(y, line);
        return line[x];
    }

    /// <summary>The background of image row <paramref name="y"/>, as sep's bkg_line_flt (bicubic spline between mesh centres).</summary>
    public void Line(int y, Span<float> line)
    {
        int nbx = MeshesX, nby = MeshesY, nbxm1 = nbx - 1;
        // node, dnode and the tridiagonal solve's u (nbx each): on the stack for any usual mesh grid.
        Span<float> work = nbx <= MaxStackMeshes ? stackalloc float[3 * MaxStackMeshes] : new float[3 * nbx];
        Span<float> node = work[..nbx], dnode = work.Slice(nbx, nbx);
        if (nby > 1)
        {
            float dy = (float)((float)y / MeshHeight - 0.5);
            int yl = (int)dy;
            dy -= yl;
            if (yl < 0) { yl = 0; dy -= 1.0f; }
            else if (yl >= nby - 1) { yl = nby < 2 ? 0 : nby - 2; dy += 1.0f; }
            float cdy = 1 - dy, dy3 = dy * dy * dy - dy, cdy3 = cdy * cdy * cdy - cdy;
            for (int x = 0; x < nbx; x++)
            {
                int lo = yl * nbx + x, hi = lo + nbx;
                node[x] = cdy * _meshBack[lo] + dy * _meshBack[hi] + cdy3 * _dBack[lo] + dy3 * _dBack[hi];
            }
            if (nbx > 1)
            {
                var u = work.Slice(2 * nbx, nbxm1);
                dnode[0] = u[0] = 0f;
                for (int x = 1; x < nbxm1; x++)
                {
                    float temp = -1 / (dnode[x - 1] + 4);
                    dnode[x] = temp;
                    temp *= u[x - 1] - 6 * (node[x + 1] + node[x - 1] - 2 * node[x]);
                    u[x] = temp;
                }
                dnode[nbxm1] = 0f;
                for (int x = nbx - 2; x >= 1; x--) dnode[x] = (dnode[x] * dnode[x + 1] + u[x]) / 6.0f;
            }
        }
        else
        {
            // One row of meshes: no interpolation along y, and sep keeps the (zero) y-derivatives along x.
            node = _meshBack;
            dnode = _dBack;
        }
        if (nbx > 1)
        {
            int nx = MeshWidth, changepoint = nx / 2;
            float xstep = 1.0f / nx;
            float dx = (xstep - 1) / 2, dx0 = ((nx + 1) % 2) * xstep / 2;
            int blo = 0;
            for (int x = 0, i = 0, j = 0; j < Width; j++, i++, dx += xstep)
            {
                if (i == changepoint && x > 0 && x < nbxm1) { blo++; dx = dx0; }
                float cdx = 1 - dx;
                line[j] = cdx * (node[blo] + (cdx * cdx - 1) * dnode[blo]) + dx * (node[blo + 1] + (dx * dx - 1) * dnode[blo + 1]);
                if (i == nx) { x++; i = 0; }
            }
        }
        else line[..Width].Fill(node[0]);
    }

    /// <summary>The whole background map (sep's <c>Background.back()</c>), row-major.</summary>
    public float[] Map()
    {
        var map = new float[Width * Height];
        for (int y = 0; y < Height; y++) Line(y, map.AsSpan(y * Width, Width));
        return map;
    }

    /// <summary>
    /// The image less this background, into <paramref name="subtracted"/> (width × height): v − back where v is
    /// finite, NaN elsewhere (as extraction needs it), one background row at a time.
    /// </summary>
    public void Subtract(ReadOnlySpan<float> image, Span<float> subtracted)
    {
        for (int y = 0; y < Height; y++)
        {
            var row = subtracted.Slice(y * Width, Width);
            Line(y, row);
            var src = image.Slice(y * Width, Width);
            for (int x = 0; x < row.Length; x++)
            {
                float v = src[x];
                row[x] = float.IsFinite(v) ? v - row[x] : float.NaN;
            }
        }
    }
}

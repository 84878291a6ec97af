using System.Globalization;
using System.Text.Json;
using MantisShrimp.Engine;
using MantisShrimp.Engine.Evaluation;
using MantisShrimp.Engine.Inference;
using Xunit.Abstractions;

namespace MantisShrimp.Conformance.Tests;

/// <summary>
/// The tables astronomers open: what TableFile writes as FITS and ECSV, read by astropy's Table.read (peers/tables_read.py)
/// — units, values, the vector PDF column, the run's header keys — and FITS checked by fitsverify.
/// </summary>
public sealed class TableConformanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mantis-tables-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly TableMeta Meta = new("/models/best.ckpt", 42, "training seed of the model");

    /// <summary>A scores table as score --pdf writes it for a catalog with extras: 3 galaxies, one with a missing magnitude.</summary>
    private static (List<string> Header, List<string[]> Rows) Scores()
    {
        var header = new List<string>(PdfColumns.Leading);
        header.AddRange(Enumerable.Range(0, RedshiftGrid.Classes).Select(k => $"p_{k:000}"));
        header.AddRange(["ra", "dec", "population", "mag_r", "ebv_csfd", "snr_r"]);
        var rows = new List<string[]>();
        for (int g = 0; g < 3; g++)
        {
            var pdf = new double[RedshiftGrid.Classes];
            for (int k = 0; k < pdf.Length; k++) pdf[k] = Math.Exp(-0.5 * Math.Pow((k - 60 - 50 * g) / 8.0, 2));
            double sum = pdf.Sum();
            var f = new List<string> { $"gal,{g}", F(0.25 + 0.2 * g), F(0.26 + 0.2 * g), F(0.25 + 0.2 * g), "0.03", "0.2", "0.3", "0.18",
                "0.34" };
            f.AddRange(pdf.Select(p => ((float)(p / sum)).ToString("R", CultureInfo.InvariantCulture)));
            f.AddRange([F(100.5 + g), F(-30.25 + g), g == 1 ? "ELG" : "LRG", g == 2 ? "" : F(19.5 + g), "0.031", "12.5"]);
            rows.Add(f.ToArray());
        }
        return (header, rows);
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private string WriteScores(string name)
    {
        var (header, rows) = Scores();
        string path = Path.Combine(_dir, name);
        TableFile.Write(path, header, rows.Select(r => Engine.Common.Csv.Line(r)), ["id"], Meta, Scorer.Extname);
        return path;
    }

    [Theory]
    [InlineData("scores.fits")]
    [InlineData("scores.ecsv")]
    public void Astropy_reads_scores_with_units_values_and_the_runs_header(string name)
    {
        string path = WriteScores(name);
        var t = PythonPeer.Run("tables_read.py", path);
        var cols = t.GetProperty("columns");
        var (header, rows) = Scores();
        Assert.Equal(3, t.GetProperty("rows").GetInt32());

        Assert.Equal("deg", Unit(cols, "ra"));
        Assert.Equal("deg", Unit(cols, "dec"));
        Assert.Equal("mag", Unit(cols, "mag_r"));
        Assert.Equal("mag", Unit(cols, "ebv_csfd"));
        foreach (var z in new[] { "z_spec", "z_mean", "z_lo90" }) Assert.Null(Unit(cols, z)); // redshift is dimensionless
        Assert.Contains(cols.GetProperty("id").GetProperty("dtype").GetString(), new[] { "U", "S" });
        Assert.Equal("gal,1", Values(cols, "id")[1].GetString());
        Assert.Equal("ELG", Values(cols, "population")[1].GetString());

        for (int r = 0; r < rows.Count; r++)
            foreach (var c in new[] { "z_spec", "z_mean", "ra", "dec", "snr_r" })
                Assert.Equal(double.Parse(rows[r][header.IndexOf(c)], CultureInfo.InvariantCulture), Values(cols, c)[r].GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, Values(cols, "mag_r")[2].ValueKind); // missing: NaN in FITS, masked in ECSV

        // FITS: the PDF as one 400-float vector column; ECSV: the p_### columns (ECSV has no vector columns astropy 5.2 reads portably).
        var pdfs = name.EndsWith(".fits")
            ? Enumerable.Range(0, 3).Select(r => Values(cols, "pdf")[r].EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray()
            : Enumerable.Range(0, 3).Select(r =>
                Enumerable.Range(0, RedshiftGrid.Classes).Select(k => Values(cols, $"p_{k:000}")[r].GetDouble()).ToArray()).ToArray();
        if (name.EndsWith(".fits"))
        {
            Assert.Equal([RedshiftGrid.Classes], cols.GetProperty("pdf").GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()));
            Assert.False(cols.TryGetProperty("p_000", out _));
        }
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < RedshiftGrid.Classes; k++)
                Assert.Equal(float.Parse(rows[r][PdfColumns.Leading.Count + k], CultureInfo.InvariantCulture), (float)pdfs[r][k]);

        var meta = t.GetProperty("meta");
        Assert.Equal("/models/best.ckpt", meta.GetProperty("MODEL").GetString());
        Assert.Equal("42", meta.GetProperty("SEED").GetString());
        Assert.Equal(TableMeta.Commit, meta.GetProperty("COMMIT").GetString());
        Assert.StartsWith("mantis ", meta.GetProperty("COMMAND").GetString());
        Assert.NotEqual("unknown", TableMeta.Commit);
        if (name.EndsWith(".fits"))
        {
            var verify = t.GetProperty("fitsverify");
            Assert.True(verify.GetProperty("rc").GetInt32() == 0, verify.GetProperty("output").GetString());
            Assert.True(verify.GetProperty("output").GetString()!.Contains("found 0 warning(s) and 0 error(s)"),
                verify.GetProperty("output").GetString());
        }
        PythonPeer.Report(output, $"astropy Table.read {name}", $"{cols.EnumerateObject().Count()} columns, units ra/dec deg, " +
            $"mag_r mag, meta {string.Join(",", meta.EnumerateObject().Select(p => p.Name))}");
    }

    [Fact]
    public void Every_reader_of_scores_takes_FITS_and_ECSV_as_it_takes_CSV()
    {
        var csv = TableFile.Read(WriteScores("scores.csv")).Select(r => r.Fields).ToList();
        foreach (var other in new[] { "scores.fits", "scores.ecsv" })
        {
            var rows = TableFile.Read(WriteScores(other)).Select(r => r.Fields).ToList();
            Assert.Equal(csv[0], rows[0]);
            for (int r = 1; r < csv.Count; r++)
                for (int c = 0; c < csv[0].Length; c++)
                {
                    bool num = double.TryParse(csv[r][c], NumberStyles.Float, CultureInfo.InvariantCulture, out var want);
                    if (!num) Assert.True(csv[r][c] == rows[r][c] || (csv[r][c] == "" && rows[r][c] == "NaN"),
                        $"{other} row {r} {csv[0][c]}");
                    else Assert.Equal(want, double.Parse(rows[r][c], CultureInfo.InvariantCulture), 6);
                }
        }
    }

    [Theory]
    [InlineData("metrics.fits")]
    [InlineData("metrics.ecsv")]
    public void Evaluate_writes_its_metrics_as_a_table_with_outlier_rates_in_percent(string name)
    {
        string scores = WriteScores("scores.fits");
        string table = Path.Combine(_dir, name);
        var result = Evaluator.Run(new EvaluateOptions(scores, Path.Combine(_dir, "eval")) { Table = table });
        var t = PythonPeer.Run("tables_read.py", table);
        var cols = t.GetProperty("columns");
        Assert.Equal(new[] { "all", "population", "population", "mag_r", "mag_r", "snr_r" },
            Values(cols, "group").Select(v => v.GetString()));
        Assert.Equal(name.EndsWith(".ecsv") ? "%" : null, Unit(cols, "eta_0p15_pct")); // FITS has no percent unit: the name says it
        Assert.Equal("mag", Unit(cols, "mag_r_lo"));
        Assert.Equal(result.All.Values.Eta0p15, Values(cols, "eta_0p15_pct")[0].GetDouble(), 9);
        Assert.Equal(result.All.Values.Nmad, Values(cols, "nmad")[0].GetDouble(), 9);
        Assert.Equal(3.0, Values(cols, "n")[0].GetDouble());
        Assert.Equal(scores, Path.GetFullPath(t.GetProperty("meta").GetProperty("MODEL").GetString()!));
        var units = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "eval", "metrics.json"))).RootElement.GetProperty("units");
        Assert.Equal("%", units.GetProperty("eta_0p15").GetString());
        if (name.EndsWith(".fits")) Assert.Equal(0, t.GetProperty("fitsverify").GetProperty("rc").GetInt32());
        PythonPeer.Report(output, $"astropy Table.read {name}", $"eta_0p15_pct = {Values(cols, "eta_0p15_pct")[0].GetDouble()} %");
    }

    private static string? Unit(JsonElement cols, string name) => cols.GetProperty(name).GetProperty("unit").GetString();

    private static JsonElement[] Values(JsonElement cols, string name) =>
        cols.GetProperty(name).GetProperty("values").EnumerateArray().ToArray();
}

/// <summary>
/// Coordinates as people write them (predict --ra/--dec and positions files): the engine's parser against astropy's
/// Angle on the same strings (peers/tables_angles.py), accepted values equal to 1e-9°, refused strings refused by both.
/// </summary>
public sealed class CoordinateConformanceTests(ITestOutputHelper output)
{
    private static readonly string[] Cases =
    [
        "ra=06:41:11.1", "ra=6h41m11.1s", "ra=06 41 11.1", "ra=6h41m", "ra=23:59:59.999", "ra=0:0:0", "ra=100.29625", "ra=0.5",
        "ra=100d17m46.5s", "ra=359.9999", "ra=12h", "dec=+00:56:00", "dec=-00:30:00", "dec=+00d56m00s", "dec=-00 56 00", "dec=0°56′00″",
        "dec=-89:59:59.9", "dec=+45:30", "dec=-12.25", "dec=12d", "dec=-0d30m", "ra=abc", "dec=12:61:00", "ra=06:41:75",
        "ra=25:00:00", "dec=", "dec=1:2:3:4", "ra=06h41x",
    ];

    [Fact]
    public void The_coordinate_parser_agrees_with_astropy_Angle()
    {
        var astropy = PythonPeer.Run("tables_angles.py", Cases).EnumerateArray().ToArray();
        double worst = 0;
        for (int i = 0; i < Cases.Length; i++)
        {
            var (kind, text) = (Cases[i][..Cases[i].IndexOf('=')], Cases[i][(Cases[i].IndexOf('=') + 1)..]);
            double? ours;
            try
            {
                ours = kind == "ra" ? Engine.Sky.Coordinates.ParseRa(text) : Engine.Sky.Coordinates.ParseDec(text);
            }
            catch (Engine.Common.UserInputException) { ours = null; }
            if (astropy[i].ValueKind == System.Text.Json.JsonValueKind.Null)
            {
                Assert.True(ours is null, $"{Cases[i]}: astropy refuses it, ours gave {ours}");
                continue;
            }
            Assert.True(ours is not null, $"{Cases[i]}: astropy gives {astropy[i].GetDouble()}, ours refused it");
            Assert.True(Math.Abs(ours!.Value - astropy[i].GetDouble()) < 1e-9, $"{Cases[i]}: ours {ours} astropy {astropy[i].GetDouble()}");
            worst = Math.Max(worst, Math.Abs(ours.Value - astropy[i].GetDouble()));
        }
        PythonPeer.Report(output, "coordinates vs astropy Angle", $"{Cases.Length} strings, worst |Δ| = {worst:E1} deg");
    }
}

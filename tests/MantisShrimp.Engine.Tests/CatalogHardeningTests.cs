using System.Diagnostics;
using MantisShrimp.Engine.Spectroscopy;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Data;
using MantisShrimp.Engine.Fits;
using Xunit.Abstractions;

namespace MantisShrimp.Engine.Tests;

/// <summary>compile-catalog and catalog reading under hostile tables.</summary>
public class CatalogHardeningTests(ITestOutputHelper output)
{
    private static string[] Ids(string catalog)
    {
        using var reader = new StreamReader(catalog);
        return Csv.Read(reader, catalog).Skip(1).Select(r => r.Fields[0]).ToArray();
    }

    [Fact]
    public void Distinct_survey_ids_stay_distinct_and_reversible()
    {
        using var tmp = new TempDir();
        File.WriteAllLines(tmp.File("gama.csv"),
            ["CATAID,RA,DEC,Z,NQ", "a/b,10,1,0.2,4", "a_b,20,1,0.2,4", "\"a b\",30,1,0.2,4", ".x,40,1,0.2,4", "é,50,1,0.2,4"]);
        File.WriteAllLines(tmp.File("sdss.csv"), ["specObjID,ra,dec,z,zWarning,class", ",60,1,0.2,0,GALAXY", ",70,1,0.2,0,GALAXY"]);
        CatalogCompiler.Run([("gama", tmp.File("gama.csv")), ("sdss", tmp.File("sdss.csv"))], tmp.File("catalog.csv"));
        var ids = Ids(tmp.File("catalog.csv"));
        Assert.Equal(7, ids.Length);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(InputCatalog.IsSafeName(id), id));
        string[] original = ["a/b", "a_b", "a b", ".x", "é"];
        var gama = ids.Where(id => id.StartsWith("gama_", StringComparison.Ordinal)).ToArray();
        Assert.Equal(original, gama.Select(id => CatalogCompiler.DecodeId(id["gama_".Length..])));
        Assert.Equal("gama_a_2Fb", gama[0]);
    }

    [Fact]
    public void Ids_too_long_for_a_file_name_are_compile_rejects_not_ingest_failures()
    {
        using var tmp = new TempDir();
        File.WriteAllLines(tmp.File("gama.csv"), ["CATAID,RA,DEC,Z,NQ", new string('7', 300) + ",10,1,0.2,4", "8,20,1,0.2,4"]);
        var s = CatalogCompiler.Run([("gama", tmp.File("gama.csv"))], tmp.File("catalog.csv")).Single();
        Assert.Equal(1, s.Accepted);
        Assert.Equal(1, s.Rejected[$"id longer than {InputCatalog.MaxIdLength} characters as a file name"]);
    }

    [Fact]
    public void A_quoted_field_may_continue_onto_a_line_starting_with_a_hash()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("gama.csv"),
            "# export\nCATAID,RA,DEC,Z,NQ\n\"multi\n#line\",10,1,0.2,4\n# trailing comment\n9,20,1,0.2,4\n");
        var s = CatalogCompiler.Run([("gama", tmp.File("gama.csv"))], tmp.File("catalog.csv")).Single();
        Assert.Equal((2, 2), (s.Available, s.Accepted));
        var ids = Ids(tmp.File("catalog.csv"));
        Assert.Equal(["multi\n#line", "9"], ids.Select(id => CatalogCompiler.DecodeId(id["gama_".Length..])));
    }

    [Fact]
    public void A_tform_repeat_beyond_int_is_a_format_error()
    {
        using var tmp = new TempDir();
        var bytes = new FitsBytes().Add(FitsBytes.Card("SIMPLE", "T")).Int("BITPIX", 8).Int("NAXIS", 0).Data([])
            .Add(FitsBytes.StrCard("XTENSION", "BINTABLE")).Int("BITPIX", 8).Int("NAXIS", 2).Int("NAXIS1", 8).Int("NAXIS2", 1)
            .Int("PCOUNT", 0).Int("GCOUNT", 1).Int("TFIELDS", 1).Str("TFORM1", "99999999999A").Str("TTYPE1", "CATAID")
            .Data(new byte[8]).ToArray();
        File.WriteAllBytes(tmp.File("t.fits"), bytes);
        var e = Assert.Throws<FitsFormatException>(() => CatalogCompiler.Run([("gama", tmp.File("t.fits"))], tmp.File("catalog.csv")));
        Assert.Contains("TFORM1", e.Problem);
    }

    [Fact]
    public void Two_million_positions_sharing_a_dec_band_are_deduplicated_in_n_log_n()
    {
        const int n = 2_000_000;
        var index = new DuplicateIndex<int>(CatalogCompiler.DuplicateRadiusArcsec);
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            double ra = i * (360.0 / n), dec = 10 + (i % 3) * 0.2 / 3600; // 0.64″ apart in RA, three Decs 0.2″ apart
            if (index.TryFind(ra, dec, out _)) continue;
            index.Add(ra, dec, i);
            kept++;
        }
        output.WriteLine($"{n} positions in one 0.4″ Dec band: {kept} kept, {index.Comparisons} separations, " +
            $"{clock.Elapsed.TotalSeconds:F1} s wall, " +
            $"{(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU");
        Assert.Equal(n / 2, kept); // every other one is within 1″ of the one before
        Assert.True(index.Comparisons < 10L * n, $"{index.Comparisons} separations"); // a list per Dec stripe needs ~n²/4
    }

    [Fact]
    public void The_index_finds_matches_across_ra_zero_and_near_the_pole()
    {
        var index = new DuplicateIndex<string>(1.0);
        index.Add(359.99999, 5, "wrap");
        index.Add(10, 89.99999, "pole");
        Assert.True(index.TryFind(0.0000001, 5, out var a) && a == "wrap");
        Assert.True(index.TryFind(190, 89.9999995, out var b) && b == "pole");
        Assert.False(index.TryFind(0.001, 5, out _));
    }

    [Fact]
    public void Negative_ebv_is_a_catalog_problem()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("c.csv"), "id,ra,dec,z,ebv_csfd,ebv_planck\na,10,1,0.2,-0.1,0.02\nb,10,1,0.2,0.01,0.02\n");
        var c = InputCatalog.Load(tmp.File("c.csv"));
        Assert.Single(c.Entries);
        Assert.Contains("ebv_csfd = -0.1 is negative", c.Problems.Single().Reason);
    }

    [Fact]
    public void A_cr_only_catalog_reads_as_lines()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("c.csv"), "id,ra,dec,z,ebv_csfd,ebv_planck\ra,10,1,0.2,0.01,0.02\rb,11,1,0.2,0.01,0.02\r");
        var c = InputCatalog.Load(tmp.File("c.csv"));
        Assert.Equal(["a", "b"], c.Entries.Select(e => e.Id));
        Assert.Equal([["x", "y"], ["z"]], Csv.Read(new StringReader("x,y\r\nz\r\n"), "crlf").Select(r => r.Fields)); // CRLF unchanged
    }

    [Fact]
    public void Control_characters_are_escaped_for_display()
    {
        Assert.Equal("a\\x00b\\x1B[2Jc\\x0A", Printable.Escape("a\0b\u001b[2Jc\n"));
        Assert.Equal("line1\nline2 \\uD800", Printable.Escape("line1\nline2 \ud800", keepNewlines: true));
        Assert.Equal("ok 😀", Printable.Escape("ok 😀"));
    }
}

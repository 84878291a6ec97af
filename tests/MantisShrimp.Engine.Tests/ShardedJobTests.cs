using System.Globalization;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Distributed;
using MantisShrimp.Engine.Inference;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// The sharded-job plumbing shared by score, shapley and predict: resume journal and fingerprint, the ranks' typed
/// parts and their merge in input order. Expected rows are written out by hand here, not taken from an earlier run.
/// </summary>
public class ShardedJobTests
{
    private static readonly JobFingerprint Settings = new(("model", "/runs/a b/best.ckpt"), ("split", "test"), ("seed", "5"));

    [Fact]
    public void A_journal_with_other_settings_is_refused_naming_what_differs()
    {
        using var tmp = new TempDir();
        string path = tmp.File("out.csv.journal");
        using (var journal = JobJournal.Open(path, Settings)) journal.Record(0, "x");
        var other = new JobFingerprint(("model", "/runs/a b/best.ckpt"), ("split", "test"), ("seed", "6"));
        var e = Assert.Throws<UserInputException>(() => JobJournal.Open(path, other));
        Assert.Contains(path, e.Message);
        Assert.Contains("seed: 5 in the journal, 6 now", e.Message);
        Assert.DoesNotContain("split:", e.Message);
        Assert.DoesNotContain("model:", e.Message); // a value with a space is one value
        // A key only one side has is named too.
        var more = new JobFingerprint(("model", "/runs/a b/best.ckpt"), ("split", "test"), ("seed", "5"), ("mode", "exact"));
        Assert.Contains("mode: absent in the journal, exact now",
            Assert.Throws<UserInputException>(() => JobJournal.Open(path, more)).Message);
        // The same settings resume it.
        using var same = JobJournal.Open(path, Settings);
        Assert.Equal("x", same[0]);
    }

    [Fact]
    public void A_journal_with_a_torn_last_line_resumes_the_whole_lines()
    {
        using var tmp = new TempDir();
        string path = tmp.File("out.csv.journal");
        // As a kill -9 leaves it: two whole entries, the third cut mid-write (no newline).
        File.WriteAllText(path, Settings.Line + "\n0,a,1.5\n1,b,2.5\n2,c,3.");
        using (var journal = JobJournal.Open(path, Settings))
        {
            Assert.True(journal.IsDone(0));
            Assert.True(journal.IsDone(1));
            Assert.False(journal.IsDone(2));
            Assert.Equal("b,2.5", journal[1]);
            Assert.Equal([0, 1], journal.Finished(Enumerable.Range(0, 3)));
            journal.Record(2, "c,3.5");
        }
        Assert.Equal(Settings.Line + "\n0,a,1.5\n1,b,2.5\n2,c,3.5\n", File.ReadAllText(path));
        // A journal torn inside its settings line starts over with the settings.
        File.WriteAllText(path, "#sett");
        using (var journal = JobJournal.Open(path, Settings)) Assert.False(journal.IsDone(0));
        Assert.Equal(Settings.Line + "\n", File.ReadAllText(path));
    }

    private static readonly TableSchema Schema = new(
    [
        new("id", ColumnKind.Text),
        new("z", ColumnKind.Double, v => v.ToString("0.######", CultureInfo.InvariantCulture)),
        new("p", ColumnKind.Float, v => ((float)v).ToString("G7", CultureInfo.InvariantCulture)),
        new("population", ColumnKind.Catalog),
    ], "TEST");

    private static TableRow Row(int i) => new([$"g{i}", i % 2 == 0 ? "lrg" : "elg"], [i / 3.0, (float)(1.0 / (i + 7))]);

    /// <summary>Rank r of <paramref name="ranks"/> writes its share of <paramref name="count"/> rows as a part, as <see
    /// cref="ShardedJob.WriteShare"/> does.</summary>
    private static void WriteParts(string output, int count, int ranks)
    {
        for (int r = 0; r < ranks; r++)
        {
            var (first, end) = MpiSession.ShareOf(count, r, ranks);
            TableWriter.Write(ShardedJob.PartPath(output, r, ranks), Schema, Enumerable.Range(first, end - first).Select(Row));
        }
    }

    [Fact]
    public void Parts_merge_in_rank_order_into_the_rows_of_one_process()
    {
        using var tmp = new TempDir();
        string output = tmp.File("all.csv");
        WriteParts(output, 10, 3);
        Assert.Equal(10, ShardedJob.MergeParts(output, 3, Schema, null));
        var expected = new List<string> { "id,z,p,population" };
        for (int i = 0; i < 10; i++)
            expected.Add(string.Create(CultureInfo.InvariantCulture,
                $"g{i},{i / 3.0:0.######},{(float)(1.0 / (i + 7)):G7},{(i % 2 == 0 ? "lrg" : "elg")}"));
        Assert.Equal(expected, File.ReadAllLines(output));
        Assert.Equal([output], Directory.GetFiles(tmp.Path)); // parts deleted, no temp left
    }

    [Fact]
    public void Merged_parquet_keeps_the_parts_types_and_full_precision()
    {
        using var tmp = new TempDir();
        string output = tmp.File("all.parquet");
        WriteParts(output, 7, 2);
        ShardedJob.MergeParts(output, 2, Schema, null);
        var rows = ParquetTable.Read(output).Select(r => r.Fields).ToList();
        Assert.Equal(["id", "z", "p", "population"], rows[0]);
        Assert.Equal(8, rows.Count);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal($"g{i}", rows[i + 1][0]);
            Assert.Equal(i / 3.0, double.Parse(rows[i + 1][1], CultureInfo.InvariantCulture)); // not the CSV's 6 decimals
            Assert.Equal((float)(1.0 / (i + 7)), float.Parse(rows[i + 1][2], CultureInfo.InvariantCulture));
            Assert.Equal(i % 2 == 0 ? "lrg" : "elg", rows[i + 1][3]);
        }
        var typed = TableWriter.ReadParquet(output, Schema).ToList();
        Assert.Equal(7, typed.Count);
        Assert.Equal(Row(4).Numbers, typed[4].Numbers);
    }

    [Fact]
    public void A_missing_part_is_named_and_nothing_is_written()
    {
        using var tmp = new TempDir();
        string output = tmp.File("all.csv");
        WriteParts(output, 10, 3);
        File.Delete(ShardedJob.PartPath(output, 1, 3));
        var e = Assert.Throws<UserInputException>(() => ShardedJob.MergeParts(output, 3, Schema, null));
        Assert.Contains("all.csv.part1-of-3.parquet is missing: rank 1", e.Message);
        Assert.False(File.Exists(output));
        Assert.True(File.Exists(ShardedJob.PartPath(output, 0, 3)));
    }

    [Fact]
    public void A_part_of_another_table_is_refused()
    {
        using var tmp = new TempDir();
        string output = tmp.File("all.csv");
        WriteParts(output, 4, 2);
        var other = new TableSchema([new("id", ColumnKind.Text),
            new("v_all", ColumnKind.Double, v => v.ToString("R", CultureInfo.InvariantCulture))], "X");
        var e = Assert.Throws<UserInputException>(() => ShardedJob.MergeParts(output, 2, other, null));
        Assert.Contains("part0-of-2.parquet", e.Message);
    }

    [Fact]
    public void A_row_parses_back_from_its_csv_text()
    {
        var row = Row(5);
        var back = Schema.Parse(Schema.Fields(row), "journal line 3");
        Assert.Equal(row.Text, back.Text);
        Assert.Equal(5 / 3.0, back.Numbers[0], 6); // the CSV text's 6 decimals
        Assert.Contains("journal line 3: 3 fields, expected 4",
            Assert.Throws<UserInputException>(() => Schema.Parse(["a", "1", "2"], "journal line 3")).Message);
    }
}

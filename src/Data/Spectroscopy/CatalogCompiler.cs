using System.Globalization;
using System.Text;
using MantisShrimp.Engine.Common;
using MantisShrimp.Engine.Dust;
using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Engine.Spectroscopy;

/// <summary>
/// <c>mantis compile-catalog</c>: reads each survey's own table (CSV or FITS BINTABLE), applies its quality cuts,
/// the PS1 footprint (Dec ≥ −30°) and 0 &lt; z &lt; 1.6, drops repeats within a survey, then removes cross-survey
/// duplicates (positions within 1″) keeping the entry of the survey with the higher precedence
/// (<see cref="SpectroscopicSurvey.All"/>). CSV input is streamed; only accepted positions are kept in memory.
/// </summary>
public static class CatalogCompiler
{
    public const double DuplicateRadiusArcsec = 1.0;
    public const double MinDec = -30.0;

    private sealed record Candidate(int Survey, long Order, string SurveyId, double Ra, double Dec, double Z, string Quality);

    public static IReadOnlyList<SurveySummary> Run(IReadOnlyList<(string Survey, string Path)> inputs, string outPath,
        string? dustDirectory = null,
        IProgressReporter? progress = null)
    {
        progress ??= NullProgress.Instance;
        if (inputs.Count == 0) throw new UserInputException("compile-catalog needs at least one --input survey=FILE");
        var summaries = new Dictionary<string, SurveySummary>();
        var candidates = ReadCandidates(inputs, summaries, progress);
        var (kept, duplicates) = RemoveDuplicates(candidates, summaries);
        WriteCatalog(kept, dustDirectory, outPath);
        AtomicFile.WriteAllText(Path.ChangeExtension(outPath, ".duplicates.csv"), duplicates);
        var ordered = summaries.Values.OrderBy(x => SpectroscopicSurvey.Get(x.Survey).Precedence).ToList();
        AtomicFile.WriteAllText(Path.ChangeExtension(outPath, ".summary.csv"), SummaryCsv(ordered));
        return ordered;
    }

    /// <summary>
    /// Each input's rows that pass its survey's cuts, the footprint, the redshift range and the within-survey repeat rule, in
    /// input order; every row is counted in its survey's summary (available, or rejected with the reason).
    /// </summary>
    private static List<Candidate> ReadCandidates(IReadOnlyList<(string Survey, string Path)> inputs,
        Dictionary<string, SurveySummary> summaries, IProgressReporter progress)
    {
        var surveys = inputs.Select(i => SpectroscopicSurvey.Get(i.Survey)).ToArray();
        var candidates = new List<Candidate>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var survey = surveys[i];
            var summary = summaries.TryGetValue(survey.Name, out var s) ? s : summaries[survey.Name] = new SurveySummary(survey.Name);
            var seenIds = new HashSet<string>(StringComparer.Ordinal);
            long order = 0;
            progress.Message($"reading {survey.Name}: {inputs[i].Path}");
            foreach (var row in Rows(inputs[i].Path))
            {
                summary.Available++;
                var (entry, reason) = survey.Parse(row);
                if (entry is not { } e) { summary.Reject(reason!); continue; }
                if (e.Dec < MinDec) { summary.Reject("outside the PS1 footprint (Dec < -30)"); continue; }
                if (!(e.Z > 0 && e.Z < 1.6)) { summary.Reject("z outside (0, 1.6)"); continue; }
                if (survey.IdColumn.Length > 0 && !seenIds.Add(e.SurveyId)) { summary.Reject($"repeated {survey.IdColumn}"); continue; }
                var candidate = new Candidate(survey.Precedence, ((long)i << 40) | order++, e.SurveyId, e.Ra, e.Dec, e.Z, e.Quality);
                if (Id(candidate).Length > Data.InputCatalog.MaxIdLength)
                {
                    summary.Reject($"id longer than {Data.InputCatalog.MaxIdLength} characters as a file name");
                    continue;
                }
                candidates.Add(candidate);
            }
        }
        return candidates;
    }

    /// <summary>
    /// Cross-survey duplicates removed: higher precedence first, then input order; a 1″ grid in Dec indexes kept positions.
    /// Returns the kept candidates and the duplicates table (id, duplicate_of).
    /// </summary>
    private static (List<Candidate> Kept, string Duplicates) RemoveDuplicates(List<Candidate> candidates,
        Dictionary<string, SurveySummary> summaries)
    {
        candidates.Sort((a, b) => a.Survey != b.Survey ? a.Survey.CompareTo(b.Survey) : a.Order.CompareTo(b.Order));
        var index = new DuplicateIndex<Candidate>(DuplicateRadiusArcsec);
        var kept = new List<Candidate>();
        var duplicates = new StringBuilder("id,duplicate_of\n");
        foreach (var c in candidates)
        {
            if (index.TryFind(c.Ra, c.Dec, out var match))
            {
                summaries[Name(c.Survey)].Duplicates++;
                duplicates.Append(Csv.Line([Id(c), Id(match)])).Append('\n');
                continue;
            }
            index.Add(c.Ra, c.Dec, c);
            kept.Add(c);
            summaries[Name(c.Survey)].Accepted++;
        }
        return (kept, duplicates.ToString());
    }

    /// <summary>The compiled catalog (with both E(B−V) columns when a dust-map folder is given).</summary>
    private static void WriteCatalog(List<Candidate> kept, string? dustDirectory, string outPath)
    {
        var dust = dustDirectory is null ? null : DustMaps.Load(dustDirectory);
        var sb = new StringBuilder("id,ra,dec,z,survey,survey_id,quality" + (dust is null ? "" : ",ebv_csfd,ebv_planck") + "\n");
        foreach (var c in kept)
        {
            var fields = new List<string>
            {
                Id(c), F(c.Ra), F(c.Dec), F(c.Z), Name(c.Survey), c.SurveyId, c.Quality,
            };
            if (dust is not null)
            {
                var (csfd, planck) = dust.At(c.Ra, c.Dec);
                fields.Add(F(csfd));
                fields.Add(F(planck));
            }
            sb.Append(Csv.Line(fields)).Append('\n');
        }
        AtomicFile.WriteAllText(outPath, sb.ToString());

        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Name(int precedence) => SpectroscopicSurvey.All.First(x => x.Precedence == precedence).Name;

    /// <summary>SURVEY_ENCODED-ID, or SURVEY__rowI-N for a row without an id (encoded ids never start with "_r").</summary>
    private static string Id(Candidate c) => c.SurveyId.Length > 0
        ? $"{Name(c.Survey)}_{EncodeId(c.SurveyId)}"
        : string.Create(CultureInfo.InvariantCulture, $"{Name(c.Survey)}__row{c.Order >> 40}-{c.Order & ((1L << 40) - 1)}");

    public static string SummaryCsv(IEnumerable<SurveySummary> summaries)
    {
        var sb = new StringBuilder("survey,available,accepted,duplicates,rejected,reasons\n");
        foreach (var s in summaries)
            sb.Append(Csv.Line([s.Survey, s.Available.ToString(CultureInfo.InvariantCulture),
                s.Accepted.ToString(CultureInfo.InvariantCulture),
                s.Duplicates.ToString(CultureInfo.InvariantCulture), s.Rejected.Values.Sum().ToString(CultureInfo.InvariantCulture),
                string.Join("; ", s.Rejected.Select(kv => $"{kv.Key}: {kv.Value}"))])).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// A survey id as a file-name-safe, reversible token: ASCII letters, digits, '-', '+' and (not first) '.' stay;
    /// every other UTF-8 byte, '_' included, becomes _XX (hex). Distinct ids stay distinct: a/b, a_b and "a b" are
    /// a_2Fb, a_5Fb and a_20b.
    /// </summary>
    public static string EncodeId(string id)
    {
        var sb = new StringBuilder(id.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(id))
        {
            char ch = (char)b;
            if (char.IsAsciiLetterOrDigit(ch) || ch is '-' or '+' || (ch == '.' && sb.Length > 0)) sb.Append(ch);
            else sb.Append('_').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>The survey id an <see cref="EncodeId"/> token came from.</summary>
    public static string DecodeId(string token)
    {
        var bytes = new List<byte>(token.Length);
        for (int i = 0; i < token.Length; i++)
            if (token[i] == '_' && i + 2 < token.Length
                && byte.TryParse(token.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                bytes.Add(b);
                i += 2;
            }
            else bytes.Add((byte)token[i]);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Rows of a CSV (streamed) or of the first BINTABLE of a FITS file.</summary>
    private static IEnumerable<ISurveyRow> Rows(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"Survey table not found: {path}");
        bool fits;
        using (var probe = File.OpenRead(path))
        {
            var head = new byte[9];
            fits = probe.Read(head) == 9 && Encoding.ASCII.GetString(head) == "SIMPLE  =";
        }
        return fits ? FitsRows(path) : CsvRows(path);
    }

    private static IEnumerable<ISurveyRow> CsvRows(string path)
    {
        using var reader = new StreamReader(path);
        string[]? header = null;
        Dictionary<string, int>? index = null;
        foreach (var (_, fields) in Csv.Read(new SkipComments(reader), path))
        {
            if (header is null)
            {
                header = fields.Select(f => f.Trim()).ToArray();
                index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                for (int i = 0; i < header.Length; i++) index.TryAdd(header[i], i);
                continue;
            }
            yield return new ArrayRow(index!, fields);
        }
    }

    private static IEnumerable<ISurveyRow> FitsRows(string path)
    {
        using var file = FitsFile.Open(path);
        var table = file.ReadFirstTable();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var columns = new List<string[]>();
        foreach (var c in table.Columns)
        {
            if (c.TypeCode is 'P' or 'Q' or 'C' or 'M' or 'X') continue;
            index.TryAdd(c.Name, columns.Count);
            columns.Add(c.TypeCode == 'A'
                ? table.ReadStrings(c.Name)
                // A float32 ('E') column is written with float precision (0.9, not 0.8999999761581421).
                : c.Repeat == 1 ? table.ReadDoubles(c.Name).Select(v => double.IsNaN(v) ? ""
                    : c.TypeCode == 'E' ? ((float)v).ToString("R", CultureInfo.InvariantCulture)
                        : v.ToString("R", CultureInfo.InvariantCulture)).ToArray()
                : new string[table.RowCount]);
        }
        for (long r = 0; r < table.RowCount; r++)
            yield return new ArrayRow(index, columns.Select(c => c[r] ?? "").ToArray());
    }

    private sealed class ArrayRow(Dictionary<string, int> index, string[] fields) : ISurveyRow
    {
        public string? Get(string column) => index.TryGetValue(column, out int i) ? i < fields.Length ? fields[i] : "" : null;
    }

    /// <summary>Skips '#' comment lines of survey CSV exports — not a line inside a quoted field that starts with '#'.</summary>
    private sealed class SkipComments(TextReader inner) : TextReader
    {
        private bool _atLineStart = true, _inQuotes;

        public override int Peek() => inner.Peek();

        public override int Read()
        {
            while (_atLineStart && !_inQuotes && inner.Peek() == '#')
            {
                inner.ReadLine();
            }
            int c = inner.Read();
            if (c == '"') _inQuotes = !_inQuotes; // a doubled quote toggles twice
            _atLineStart = c is '\n' or '\r';
            return c;
        }
    }
}

using Parquet;
using Parquet.Schema;

namespace MantisShrimp.Engine.Inference;

/// <summary>
/// Scores as Parquet (Parquet.Net): the same columns as the CSV — id (string), the eight summaries (double),
/// p_000 … p_399 (float) with --pdf, catalog extras (string) — in row groups of <see cref="RowGroupSize"/>.
/// </summary>
internal sealed class ParquetScores : IDisposable
{
    private const int RowGroupSize = 50_000;
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly int _pdfColumns;
    private readonly int _extraColumns;
    private readonly List<string> _ids = [];
    private readonly List<double>[] _summaries = Enumerable.Range(0, 8).Select(_ => new List<double>()).ToArray();
    private readonly List<float>[] _pdf;
    private readonly List<string>[] _extras;

    public ParquetScores(string path, IReadOnlyList<string> header, int pdfColumns)
    {
        _pdfColumns = pdfColumns;
        _extraColumns = header.Count - Scorer.Columns.Length - pdfColumns;
        var fields = new List<DataField> { new DataField<string>("id") };
        fields.AddRange(Scorer.Columns.Skip(1).Select(c => (DataField)new DataField<double>(c)));
        fields.AddRange(header.Skip(Scorer.Columns.Length).Take(pdfColumns).Select(c => (DataField)new DataField<float>(c)));
        fields.AddRange(header.Skip(Scorer.Columns.Length + pdfColumns).Select(c => (DataField)new DataField<string>(c)));
        _fields = fields.ToArray();
        _pdf = Enumerable.Range(0, pdfColumns).Select(_ => new List<float>()).ToArray();
        _extras = Enumerable.Range(0, _extraColumns).Select(_ => new List<string>()).ToArray();
        _stream = new FileStream(path, FileMode.Create);
        _writer = ParquetWriter.CreateAsync(new ParquetSchema(_fields), _stream).GetAwaiter().GetResult();
    }

    public void Add(string id, double[] summaries, float[]? pdf, string[] extras)
    {
        _ids.Add(id);
        for (int i = 0; i < 8; i++) _summaries[i].Add(summaries[i]);
        for (int k = 0; k < _pdfColumns; k++) _pdf[k].Add(pdf![k]);
        for (int e = 0; e < _extraColumns; e++) _extras[e].Add(e < extras.Length ? extras[e] : "");
        if (_ids.Count >= RowGroupSize) Flush();
    }

    private void Flush()
    {
        if (_ids.Count == 0) return;
        using var group = _writer.CreateRowGroup();
        int f = 0;
        group.WriteAsync(_fields[f++], _ids, null).GetAwaiter().GetResult();
        foreach (var s in _summaries)
            group.WriteAsync<double>(_fields[f++], s.ToArray(), null, null, default).GetAwaiter().GetResult();
        foreach (var p in _pdf)
            group.WriteAsync<float>(_fields[f++], p.ToArray(), null, null, default).GetAwaiter().GetResult();
        foreach (var e in _extras) group.WriteAsync(_fields[f++], e, null).GetAwaiter().GetResult();
        _ids.Clear();
        foreach (var s in _summaries) s.Clear();
        foreach (var p in _pdf) p.Clear();
        foreach (var e in _extras) e.Clear();
    }

    public void Dispose()
    {
        Flush();
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }
}

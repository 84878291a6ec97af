using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MantisShrimp.Engine.Tests;

/// <summary>
/// Builds FITS files byte by byte, independently of the engine's writer, so reader tests do not
/// test the writer against itself.
/// </summary>
public sealed class FitsBytes
{
    private readonly List<string> _cards = [];
    private readonly MemoryStream _body = new();

    public static string Card(string key, string value, string? comment = null) =>
        (key.PadRight(8) + "= " + value.PadLeft(20) + (comment is null ? "" : " / " + comment)).PadRight(80)[..80];

    public static string StrCard(string key, string value) => (key.PadRight(8) + "= '" + value.PadRight(8) + "'").PadRight(80);

    public static string Raw(string text) => text.PadRight(80)[..80];

    public FitsBytes Add(params string[] cards)
    {
        _cards.AddRange(cards);
        return this;
    }

    public FitsBytes Int(string key, long v) => Add(Card(key, v.ToString(CultureInfo.InvariantCulture)));

    public FitsBytes Real(string key, double v) => Add(Card(key, v.ToString("E15", CultureInfo.InvariantCulture)));

    public FitsBytes Str(string key, string v) => Add(StrCard(key, v));

    /// <summary>Ends the header (END + padding) and appends data bytes (padded to 2880 unless <paramref name="pad"/> is false).</summary>
    public FitsBytes Data(byte[] data, bool pad = true, bool end = true)
    {
        var sb = new StringBuilder();
        foreach (var c in _cards) sb.Append(c);
        if (end) sb.Append("END".PadRight(80));
        while (sb.Length % 2880 != 0) sb.Append(' ');
        _body.Write(Encoding.ASCII.GetBytes(sb.ToString()));
        _cards.Clear();
        _body.Write(data);
        if (pad && data.Length % 2880 != 0) _body.Write(new byte[2880 - data.Length % 2880]);
        return this;
    }

    public byte[] ToArray() => _body.ToArray();

    public static byte[] BigEndian(int bitpix, IEnumerable<double> values)
    {
        var list = values.ToList();
        int size = Math.Abs(bitpix) / 8;
        var bytes = new byte[list.Count * size];
        for (int i = 0; i < list.Count; i++)
        {
            var span = bytes.AsSpan(i * size, size);
            switch (bitpix)
            {
                case 8: span[0] = (byte)list[i]; break;
                case 16: BinaryPrimitives.WriteInt16BigEndian(span, (short)list[i]); break;
                case 32: BinaryPrimitives.WriteInt32BigEndian(span, (int)list[i]); break;
                case 64: BinaryPrimitives.WriteInt64BigEndian(span, (long)list[i]); break;
                case -32: BinaryPrimitives.WriteSingleBigEndian(span, (float)list[i]); break;
                case -64: BinaryPrimitives.WriteDoubleBigEndian(span, list[i]); break;
            }
        }
        return bytes;
    }

    /// <summary>A complete primary-image file.</summary>
    public static byte[] Image(int bitpix, int[] axes, IEnumerable<double> stored, params string[] extraCards)
    {
        var f = new FitsBytes().Add(Card("SIMPLE", "T")).Int("BITPIX", bitpix).Int("NAXIS", axes.Length);
        for (int i = 0; i < axes.Length; i++) f.Int($"NAXIS{i + 1}", axes[i]);
        f.Add(extraCards);
        return f.Data(BigEndian(bitpix, stored)).ToArray();
    }
}

/// <summary>A temporary folder removed after the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mantis-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch (IOException) { }
    }
}

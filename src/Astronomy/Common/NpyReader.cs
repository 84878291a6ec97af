using System.Buffers.Binary;
using System.Text;

namespace MantisShrimp.Engine.Common;

/// <summary>
/// Reads a NumPy <c>.npy</c> array of float32 or float64 (format versions 1.0, 2.0 and 3.0; little or big endian;
/// C order), as <c>numpy.save</c> writes it: the magic <c>\x93NUMPY</c>, major and minor version, a header length
/// (2 bytes in 1.0, 4 in 2.0/3.0), a Python dict literal with 'descr', 'fortran_order' and 'shape', then the data.
/// Anything else — another dtype, Fortran order, a short file, a malformed header — is refused naming the file.
/// Pure C#, no TorchSharp: the published CalPIT statistics (calpit_mean.npy, calpit_std.npy) are read with it.
/// </summary>
public static class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The array's values as double, and its shape.</summary>
    public static (double[] Values, int[] Shape) Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found");
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (FormatException e)
        {
            throw new UserInputException($"{path}: not a readable .npy array ({e.Message})");
        }
    }

    public static (double[] Values, int[] Shape) Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic)) throw new FormatException("no \\x93NUMPY magic");
        int major = bytes[6], minor = bytes[7];
        if (major is < 1 or > 3 || minor != 0) throw new FormatException($"format version {major}.{minor} (1.0, 2.0 and 3.0 are read)");
        int lengthBytes = major == 1 ? 2 : 4;
        if (bytes.Length < 8 + lengthBytes) throw new FormatException("truncated header");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        long dataStart = 8 + lengthBytes + headerLength;
        if (dataStart > bytes.Length) throw new FormatException("truncated header");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes[(8 + lengthBytes)..(int)dataStart]);
        string descr = Field(header, "descr").Trim('\'', '"');
        if (Field(header, "fortran_order") != "False") throw new FormatException("Fortran-ordered arrays are not read");
        var shape = ParseShape(Field(header, "shape"));
        bool little = descr[0] switch
        {
            '<' => true,
            '>' => false,
            '=' => BitConverter.IsLittleEndian,
            _ => throw new FormatException($"dtype '{descr}' (float32 '<f4'/'>f4' or float64 '<f8'/'>f8' are read)"),
        };
        int size = descr[1..] switch
        {
            "f4" => 4,
            "f8" => 8,
            _ => throw new FormatException($"dtype '{descr}' (float32 or float64 are read)"),
        };
        long count = 1;
        foreach (var d in shape) count *= d;
        if (bytes.Length - dataStart != count * size)
            throw new FormatException(
                $"{bytes.Length - dataStart} data bytes for shape ({string.Join(", ", shape)}) of {size}-byte values");
        var values = new double[count];
        var data = bytes[(int)dataStart..];
        for (int i = 0; i < count; i++)
        {
            var v = data.Slice(i * size, size);
            values[i] = size == 4
                ? (little ? BinaryPrimitives.ReadSingleLittleEndian(v) : BinaryPrimitives.ReadSingleBigEndian(v))
                : (little ? BinaryPrimitives.ReadDoubleLittleEndian(v) : BinaryPrimitives.ReadDoubleBigEndian(v));
        }
        return (values, shape);
    }

    /// <summary>The value text of one key of the header's dict literal (no nesting beyond the shape tuple).</summary>
    private static string Field(string header, string key)
    {
        int at = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (at < 0) throw new FormatException($"header has no '{key}'");
        int colon = header.IndexOf(':', at);
        if (colon < 0) throw new FormatException($"header's '{key}' has no value");
        int start = colon + 1;
        while (start < header.Length && header[start] == ' ') start++;
        int end = start < header.Length && header[start] == '(' ? header.IndexOf(')', start) + 1 : header.IndexOfAny([',', '}'], start);
        if (end <= start) throw new FormatException($"header's '{key}' is malformed");
        return header[start..end].Trim();
    }

    private static int[] ParseShape(string text)
    {
        if (!text.StartsWith('(') || !text.EndsWith(')')) throw new FormatException($"shape '{text}'");
        var parts = text[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Select(p => int.TryParse(p, out var d) && d >= 0 ? d : throw new FormatException($"shape '{text}'")).ToArray();
    }
}

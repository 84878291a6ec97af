using System.Globalization;
using System.Text;

namespace MantisShrimp.Engine.Fits;

/// <summary>
/// An ordered FITS header. Keyword look-up returns the first card with that keyword;
/// HIERARCH keywords are stored without the HIERARCH prefix (e.g. "FPA.ZP").
/// </summary>
public sealed class FitsHeader : IFitsKeywords
{
    public const int BlockSize = 2880;
    public const int CardsPerBlock = BlockSize / FitsCard.CardLength;

    private readonly List<FitsCard> _cards = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public FitsHeader() { }

    public FitsHeader(IEnumerable<FitsCard> cards)
    {
        foreach (var c in cards) Add(c);
    }

    public IReadOnlyList<FitsCard> Cards => _cards;

    public void Add(FitsCard card)
    {
        if (!card.IsCommentary) _index.TryAdd(card.Keyword, _cards.Count);
        _cards.Add(card);
    }

    /// <summary>Replaces the first card with this keyword, or appends.</summary>
    public void Set(FitsCard card)
    {
        if (_index.TryGetValue(card.Keyword, out int i)) _cards[i] = card;
        else Add(card);
    }

    public bool Contains(string keyword) => _index.ContainsKey(keyword);

    public FitsCard? this[string keyword] => _index.TryGetValue(keyword, out int i) ? _cards[i] : null;

    public IEnumerable<string> Comments => _cards.Where(c => c.IsCommentary && c.Keyword == "COMMENT").Select(c => c.Comment ?? "");

    public IEnumerable<string> History => _cards.Where(c => c.IsCommentary && c.Keyword == "HISTORY").Select(c => c.Comment ?? "");

    public bool TryGetString(string keyword, out string value)
    {
        value = "";
        if (this[keyword] is not { Value: { } v }) return false;
        value = v;
        return true;
    }

    public string? GetStringOrNull(string keyword) => TryGetString(keyword, out var v) ? v : null;

    public bool TryGetStringSpan(string keyword, out ReadOnlySpan<char> value)
    {
        bool found = TryGetString(keyword, out string v);
        value = v;
        return found;
    }

    /// <summary>
    /// Reads a numeric value. FITS 'D' exponents are accepted, and so are numbers written as quoted
    /// strings (real PS1 headers carry e.g. <c>'NaN'</c>), which yield their value (NaN included).
    /// </summary>
    public bool TryGetDouble(string keyword, out double value)
    {
        value = double.NaN;
        if (this[keyword] is not { Value: { } v }) return false;
        return TryParseNumber(v, out value);
    }

    public double GetDouble(string keyword, string file) =>
        TryGetDouble(keyword, out var v) ? v : throw Missing(keyword, "a number", file);

    public double GetDoubleOr(string keyword, double fallback) => TryGetDouble(keyword, out var v) ? v : fallback;

    public bool TryGetLong(string keyword, out long value)
    {
        value = 0;
        if (this[keyword] is not { Value: { } v, IsString: false }) return false;
        return TryParseInteger(v, out value);
    }

    public long GetLong(string keyword, string file) =>
        TryGetLong(keyword, out var v) ? v : throw Missing(keyword, "an integer", file);

    public bool TryGetBool(string keyword, out bool value)
    {
        value = false;
        if (this[keyword] is not { Value: { } v, IsString: false }) return false;
        return TryParseLogical(v, out value);
    }

    internal static bool TryParseNumber(string text, out double value) => TryParseNumber(text.AsSpan(), out value);

    /// <summary>A FITS number: trimmed, 'D' exponents read as 'E'.</summary>
    internal static bool TryParseNumber(ReadOnlySpan<char> text, out double value)
    {
        text = text.Trim();
        // A value from one card fits on the stack; a CONTINUE-joined string can be longer.
        Span<char> t = text.Length <= FitsCard.CardLength ? stackalloc char[text.Length] : new char[text.Length];
        text.CopyTo(t);
        t.Replace('D', 'E');
        t.Replace('d', 'e');
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A FITS integer (non-string value): trimmed, optional sign.</summary>
    internal static bool TryParseInteger(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>A FITS logical (non-string value): T or F, blanks around.</summary>
    internal static bool TryParseLogical(ReadOnlySpan<char> text, out bool value)
    {
        var t = text.Trim();
        value = t is "T";
        return t is "T" or "F";
    }

    private static FitsFormatException Missing(string keyword, string what, string file) =>
        new(file, $"header keyword {keyword} is missing or is not {what}");

    /// <summary>Serialises the header with an END card, padded with spaces to whole 2880-byte blocks.</summary>
    public byte[] ToBytes()
    {
        var sb = new StringBuilder();
        foreach (var c in _cards)
        {
            if (c.Keyword == "END") continue;
            c.AppendTo(sb);
        }
        sb.Append("END".PadRight(FitsCard.CardLength));
        int padded = (sb.Length + BlockSize - 1) / BlockSize * BlockSize;
        sb.Append(' ', padded - sb.Length);
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>
    /// Parses header blocks from <paramref name="stream"/> up to and including the END card's block.
    /// </summary>
    /// <param name="first">true for the primary header (must start with SIMPLE), false for an extension (XTENSION).</param>
    // Long: one pass over the header's cards in order, each check where the standard puts it.
    internal static FitsHeader? Read(Stream stream, string file, bool first, int hduIndex)
    {
        var header = new FitsHeader();
        var block = new byte[BlockSize];
        int cardNumber = 0;
        FitsCard? openLongString = null;
        int openIndex = -1;
        while (true)
        {
            int got = ReadFully(stream, block);
            if (got == 0 && cardNumber == 0 && !first) return null; // clean end of file: no more HDUs
            if (got < BlockSize)
            {
                if (cardNumber == 0 && first && got == 0) throw new FitsFormatException(file, "empty file (not FITS)");
                if (cardNumber == 0 && first && !block.AsSpan(0, got).StartsWith("SIMPLE  ="u8))
                    throw new FitsFormatException(file, $"not a FITS file (does not start with a SIMPLE card; {got} bytes)");
                if (cardNumber == 0 && !first)
                {
                    // Trailing bytes after the last HDU that are not a full block: tolerated only if blank/zero padding.
                    if (IsPadding(block.AsSpan(0, got))) return null;
                    throw new FitsFormatException(file,
                        $"HDU {hduIndex}: {got} trailing bytes that are not a header block (truncated file?)");
                }
                throw new FitsFormatException(file,
                    $"HDU {hduIndex}: header ends without an END card (file truncated after {cardNumber} cards)");
            }
            if (cardNumber == 0 && !first && IsPadding(block))
            {
                // Whole blocks of zeros or blanks after the last HDU (some writers leave one; astropy reads such files):
                // the end of the file, provided nothing but padding follows.
                if (RestIsPadding(stream)) return null;
                throw new FitsFormatException(file,
                    $"HDU {hduIndex}: a padding block after the previous HDU's data is followed by more bytes");
            }
            for (int c = 0; c < CardsPerBlock; c++, cardNumber++)
            {
                var span = block.AsSpan(c * FitsCard.CardLength, FitsCard.CardLength);
                if (span.IndexOfAnyExceptInRange((byte)32, (byte)126) >= 0)
                {
                    if (cardNumber == 0)
                        throw new FitsFormatException(file,
                            first ? "not a FITS file (does not start with a SIMPLE card)"
                            : $"HDU {hduIndex}: no XTENSION header after the previous HDU's data (corrupt or trailing bytes)");
                    throw new FitsFormatException(file,
                        $"HDU {hduIndex}: header card {cardNumber + 1} contains non-ASCII bytes (a missing END card, or a corrupt header)");
                }
                string line = Encoding.ASCII.GetString(span);
                if (cardNumber == 0)
                {
                    string expect = first ? "SIMPLE" : "XTENSION";
                    if (!line.StartsWith(expect.PadRight(8) + "=", StringComparison.Ordinal))
                    {
                        throw new FitsFormatException(file, first
                            ? "not a FITS file (does not start with a SIMPLE card)"
                            : $"HDU {hduIndex}: expected an XTENSION card, found '{line.TrimEnd()}'");
                    }
                }
                string keyword = line[..8].TrimEnd();
                if (keyword == "END") return header;
                if (keyword == "CONTINUE" && openLongString is not null)
                {
                    var (piece, comment) = ParseValue(line[8..], file, hduIndex, cardNumber);
                    if (piece.isString)
                    {
                        string joined = openLongString.Value![..^1] + piece.text;
                        openLongString = openLongString with { Value = joined, Comment = comment ?? openLongString.Comment };
                        header._cards[openIndex] = openLongString;
                        if (!joined.EndsWith('&')) openLongString = null;
                        continue;
                    }
                }
                openLongString = null;
                FitsCard card = ParseCard(line, keyword, file, hduIndex, cardNumber);
                header.Add(card);
                if (card is { IsString: true, Value: { } s } && s.EndsWith('&'))
                {
                    openLongString = card;
                    openIndex = header._cards.Count - 1;
                }
            }
        }
    }

    /// <summary>Strips a dangling '&amp;' left by a CONTINUE sequence that was not continued.</summary>
    internal void FinishLongStrings()
    {
        for (int i = 0; i < _cards.Count; i++)
            if (_cards[i] is { IsString: true, Value: { } v } c && v.EndsWith('&'))
                _cards[i] = c with { Value = v[..^1] };
    }

    private static FitsCard ParseCard(string line, string keyword, string file, int hdu, int cardNumber)
    {
        if (keyword == "HIERARCH")
        {
            int eq = line.IndexOf('=', 9);
            if (eq < 0) return FitsCard.Commentary("HIERARCH", line[8..].TrimEnd());
            string key = line[9..eq].Trim();
            var (v, comment) = ParseValue(line[eq..], file, hdu, cardNumber);
            return new FitsCard(key, v.text, v.isString, comment);
        }
        if (line.Length >= 10 && line[8] == '=' && line[9] == ' ' && keyword is not ("COMMENT" or "HISTORY" or ""))
        {
            var (v, comment) = ParseValue(line[8..], file, hdu, cardNumber);
            return new FitsCard(keyword, v.text, v.isString, comment);
        }
        return FitsCard.Commentary(keyword, line[8..].Trim());
    }

    /// <summary>Parses the part of a card from the value indicator ("= ") on.</summary>
    private static ((string? text, bool isString) value, string? comment) ParseValue(string rest, string file, int hdu, int cardNumber)
    {
        int i = rest.StartsWith('=') ? 1 : 0;
        while (i < rest.Length && rest[i] == ' ') i++;
        if (i < rest.Length && rest[i] == '\'')
        {
            var sb = new StringBuilder();
            int j = i + 1;
            while (true)
            {
                if (j >= rest.Length)
                    throw new FitsFormatException(file, $"HDU {hdu}: header card {cardNumber + 1} has an unterminated string");
                if (rest[j] == '\'')
                {
                    if (j + 1 < rest.Length && rest[j + 1] == '\'') { sb.Append('\''); j += 2; continue; }
                    break;
                }
                sb.Append(rest[j++]);
            }
            string comment = rest[(j + 1)..];
            int slash = comment.IndexOf('/');
            return ((sb.ToString().TrimEnd(), true), slash >= 0 ? comment[(slash + 1)..].Trim() : null);
        }
        int s2 = rest.IndexOf('/', i);
        string value = (s2 >= 0 ? rest[i..s2] : rest[i..]).Trim();
        string? c2 = s2 >= 0 ? rest[(s2 + 1)..].Trim() : null;
        return ((value.Length == 0 ? null : value, false), c2);
    }

    private static bool IsPadding(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0, (byte)' ') < 0;

    /// <summary>Whether everything from the stream's position to its end is zero or blank bytes (leaves the position at the end).</summary>
    private static bool RestIsPadding(Stream stream)
    {
        var buffer = new byte[BlockSize];
        int got;
        while ((got = ReadFully(stream, buffer)) > 0)
            if (!IsPadding(buffer.AsSpan(0, got))) return false;
        return true;
    }

    internal static int ReadFully(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}

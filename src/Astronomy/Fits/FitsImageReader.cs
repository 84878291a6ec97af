using System.Numerics;

namespace MantisShrimp.Engine.Fits;

/// <summary>
/// Reads the first image of a FITS file into buffers it keeps, without allocating per file once they have grown to the
/// largest file seen: one per worker thread (not thread-safe). The file is read whole with one read, its headers are
/// parsed in place (cards are spans of the file, values are parsed on look-up), and the pixels are decoded straight into
/// the caller's or the reader's buffer.
/// <para>
/// It accepts exactly what <see cref="FitsFile"/> accepts and returns the same pixels and keyword values: the structural
/// keywords, the image checks and the value parsing are <see cref="FitsFile"/>'s and <see cref="FitsHeader"/>'s own
/// methods. Anything this path does not handle itself — a bad or unusual file (any structural problem, a CONTINUE long
/// string, a file over <see cref="MaxBufferedBytes"/>) — is handed to <see cref="FitsFile"/>, which raises its
/// <see cref="FitsFormatException"/> with the same message, or reads the file the slow way.
/// </para>
/// </summary>
public sealed class FitsImageReader : IFitsKeywords, IDisposable
{
    /// <summary>Files larger than this are read through <see cref="FitsFile"/> rather than into memory (cutouts are far smaller).</summary>
    public const int MaxBufferedBytes = 64 << 20;

    private const int BlockSize = FitsHeader.BlockSize, CardLength = FitsCard.CardLength;

    /// <summary>A value card: where its key and value text lie in the file.</summary>
    private struct Card
    {
        public int KeyStart, KeyLength, ValueStart, ValueLength;
        public bool IsString; // the value is the raw text between the quotes ('' not yet unescaped, trailing blanks kept)
    }

    private byte[] _file = [];
    private int _length;
    private Card[] _imageCards = new Card[64], _scanCards = new Card[64];
    private int _imageCount, _scanCount;
    private bool _lookInScan; // look-ups answer from the header being scanned (structure) or from the image's
    private long[] _imageAxes = new long[4], _scanAxes = new long[4];
    private readonly char[] _value = new char[CardLength];
    private float[] _pixels = [];

    private FitsHduKind _kind;
    private int _hduIndex, _bitpix, _naxis;
    private long _dataOffset, _dataBytes;

    private FitsFile? _slow;
    private FitsHdu? _slowHdu;

    /// <summary>The file name used in error messages.</summary>
    public string Label { get; private set; } = "";

    /// <summary>NAXIS1..NAXISn of the first image HDU.</summary>
    public ReadOnlySpan<long> Axes => _slowHdu is { } h ? (h.Axes is long[] a ? a : h.Axes.ToArray()) : _imageAxes.AsSpan(0, _naxis);

    /// <summary>Whether the last file went through <see cref="FitsFile"/> (for tests and diagnostics).</summary>
    public bool UsedFallback => _slow is not null;

    /// <summary>Opens <paramref name="path"/> and checks it as <see cref="FitsFile.Open(string)"/> followed by <see
    /// cref="FitsFile.FirstImageHdu"/> do.</summary>
    public void Open(string path)
    {
        Reset(path);
        if (Common.FileKind.NotRegular(path) is not null) { OpenSlow(FitsFile.Open(path)); return; }
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = RandomAccess.GetLength(handle);
            if (length > MaxBufferedBytes) { OpenSlow(FitsFile.Open(path)); return; }
            Grow((int)length);
            int got = 0, n;
            while (got < length && (n = RandomAccess.Read(handle, _file.AsSpan(got, (int)length - got), got)) > 0) got += n;
            _length = got;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OpenSlow(FitsFile.Open(path)); // its "cannot open" message, or the file after all
            return;
        }
        if (!TryParse()) OpenSlow(FitsFile.Open(new MemoryStream(_file, 0, _length, writable: false), path));
    }

    /// <summary>Opens a stream's whole content (from its start) as <see cref="FitsFile.Open(Stream, string, bool)"/> does; the stream is
    /// left open.</summary>
    public void Open(Stream stream, string label)
    {
        if (!stream.CanSeek) throw new ArgumentException("FITS reading needs a seekable stream.", nameof(stream));
        Reset(label);
        if (stream.Length > MaxBufferedBytes) { OpenSlow(FitsFile.Open(stream, label, leaveOpen: true)); return; }
        Grow((int)stream.Length);
        stream.Position = 0;
        _length = FitsHeader.ReadFully(stream, _file.AsSpan(0, (int)stream.Length));
        if (!TryParse()) OpenSlow(FitsFile.Open(new MemoryStream(_file, 0, _length, writable: false), label));
    }

    /// <summary>
    /// Decodes the first image into the reader's buffer (valid until the next read) in physical units, as
    /// <see cref="FitsFile.ReadImage"/>: BSCALE/BZERO applied, BLANK → NaN, FITS order (x fastest, then y, then planes).
    /// </summary>
    public ReadOnlySpan<float> ReadPixels(out int width, out int height, out int planes)
    {
        var axes = Axes;
        long count = 1;
        for (int a = 0; a < Math.Min(axes.Length, 3); a++) count *= axes[a];
        if (axes.Length > 0 && count > 0 && count <= Array.MaxLength && _pixels.Length < count)
            _pixels = GC.AllocateUninitializedArray<float>(count > 1 << 30 ? (int)count
                : (int)BitOperations.RoundUpToPowerOf2((uint)count));
        int n = ReadPixels(_pixels, out width, out height, out planes);
        return _pixels.AsSpan(0, n);
    }

    /// <summary>Decodes the first image into <paramref name="destination"/> (at least width × height × planes long); returns the pixel
    /// count.</summary>
    public int ReadPixels(Span<float> destination, out int width, out int height, out int planes)
    {
        if (_slow is not null)
        {
            var image = _slow.ReadImage(_slowHdu!);
            (width, height, planes) = (image.Width, image.Height, image.Planes);
            image.Data.CopyTo(destination);
            return image.Data.Length;
        }
        _lookInScan = false;
        var im = FitsFile.CheckImage(this, Label, _hduIndex, _kind, _bitpix, _dataBytes, _imageAxes.AsSpan(0, _naxis));
        if (_dataOffset + im.Bytes > _length)
            throw new FitsFormatException(Label,
                $"HDU {_hduIndex}: truncated data ({Math.Max(0, _length - _dataOffset)} of {im.Bytes} bytes)");
        if (destination.Length < im.Count)
            throw new ArgumentException($"{Label}: the image has {im.Count} pixels; the destination holds {destination.Length}.",
                nameof(destination));
        FitsPixels.Decode(_file.AsSpan((int)_dataOffset, im.Bytes), _bitpix, im.Bscale, im.Bzero, im.HasBlank, im.Blank,
            destination[..(int)im.Count]);
        (width, height, planes) = (im.Width, im.Height, im.Planes);
        return (int)im.Count;
    }

    public void Dispose() => Reset("");

    private void Reset(string label)
    {
        _slow?.Dispose();
        _slow = null;
        _slowHdu = null;
        _length = 0;
        _naxis = 0;
        _imageCount = 0;
        Label = label;
    }

    /// <summary>Takes a file <see cref="FitsFile"/> opened (or refused, with its canonical error) where this path gave up.</summary>
    private void OpenSlow(FitsFile file)
    {
        try
        {
            _slowHdu = file.FirstImageHdu();
            _slow = file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private void Grow(int length)
    {
        if (_file.Length < length) _file =
            GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, BitOperations.RoundUpToPowerOf2((uint)length)));
    }

    /// <summary>
    /// <see cref="FitsFile"/>'s structure walk over the bytes in memory: every HDU's header is scanned and its layout
    /// checked; the first HDU with image data is kept. False for anything <see cref="FitsFile"/> must judge.
    /// </summary>
    private bool TryParse()
    {
        bool found = false;
        long position = 0;
        try
        {
            for (int index = 0; ; index++)
            {
                if (index > 0 && position >= _length) break;
                long dataOffset = ScanHeader(position, first: index == 0);
                if (dataOffset == Unsupported) return false;
                if (dataOffset == EndOfFile) break;
                _lookInScan = true;
                var layout = FitsFile.Layout(this, Label, index, ref _scanAxes);
                if (dataOffset + layout.DataBytes > _length) return false;
                if (!found && layout.Kind is FitsHduKind.Primary or FitsHduKind.Image && layout.Naxis > 0 && layout.DataBytes > 0)
                {
                    found = true;
                    (_imageCards, _scanCards) = (_scanCards, _imageCards);
                    _imageCount = _scanCount;
                    (_imageAxes, _scanAxes) = (_scanAxes, _imageAxes);
                    (_kind, _hduIndex, _bitpix, _naxis, _dataOffset, _dataBytes) =
                        (layout.Kind, index, layout.Bitpix, layout.Naxis, dataOffset, layout.DataBytes);
                }
                long padded = (layout.DataBytes + BlockSize - 1) / BlockSize * BlockSize;
                if (dataOffset + padded >= _length) break; // last HDU (its final padding may be missing)
                position = dataOffset + padded;
            }
        }
        catch (FitsFormatException)
        {
            return false;
        }
        finally
        {
            _lookInScan = false;
        }
        return found;
    }

    private const long Unsupported = -1, EndOfFile = -2;

    /// <summary>
    /// <see cref="FitsHeader"/>'s reading rules for one header from <paramref name="position"/>: the data offset after its
    /// END card's block, <see cref="EndOfFile"/> where <see cref="FitsHeader"/> finds no further HDU, or
    /// <see cref="Unsupported"/> where it would raise an error or join a CONTINUE string.
    /// </summary>
    private long ScanHeader(long position, bool first)
    {
        _scanCount = 0;
        for (int cardNumber = 0; ; position += BlockSize)
        {
            int got = (int)Math.Min(BlockSize, _length - position);
            if (got == 0 && cardNumber == 0 && !first) return EndOfFile;
            if (got < BlockSize)
                return cardNumber == 0 && !first && IsPadding(_file.AsSpan((int)position, got)) ? EndOfFile : Unsupported;
            var block = _file.AsSpan((int)position, BlockSize);
            if (cardNumber == 0 && !first && IsPadding(block))
                return IsPadding(_file.AsSpan((int)position + BlockSize, (int)(_length - position - BlockSize))) ? EndOfFile : Unsupported;
            for (int c = 0; c < FitsHeader.CardsPerBlock; c++, cardNumber++)
            {
                int start = (int)position + c * CardLength;
                var line = _file.AsSpan(start, CardLength);
                if (line.IndexOfAnyExceptInRange((byte)32, (byte)126) >= 0) return Unsupported;
                if (cardNumber == 0 && !line.StartsWith(first ? "SIMPLE  ="u8 : "XTENSION="u8)) return Unsupported;
                var keyword = line[..8].TrimEnd((byte)' ');
                if (keyword.SequenceEqual("END"u8)) return position + BlockSize;
                if (!ScanCard(line, start, keyword)) return Unsupported;
            }
        }
    }

    /// <summary><see cref="FitsHeader"/>'s card parsing: records a card that has a value; false for what it would refuse or join.</summary>
    private bool ScanCard(ReadOnlySpan<byte> line, int start, ReadOnlySpan<byte> keyword)
    {
        int keyStart, keyLength, rest;
        if (keyword.SequenceEqual("HIERARCH"u8))
        {
            int eq = line[9..].IndexOf((byte)'=');
            if (eq < 0) return true; // commentary
            eq += 9;
            var key = line[9..eq];
            int lead = key.Length - key.TrimStart((byte)' ').Length;
            keyStart = start + 9 + lead;
            keyLength = key.Trim((byte)' ').Length;
            rest = eq;
        }
        else if (line[8] == '=' && line[9] == ' '
            && !(keyword.SequenceEqual("COMMENT"u8) || keyword.SequenceEqual("HISTORY"u8) || keyword.IsEmpty))
        {
            keyStart = start;
            keyLength = keyword.Length;
            rest = 8;
        }
        else return true; // commentary

        // The value from the value indicator on, as FitsHeader.ParseValue reads it.
        int i = rest + (line[rest] == '=' ? 1 : 0);
        while (i < CardLength && line[i] == ' ') i++;
        Card card;
        if (i < CardLength && line[i] == '\'')
        {
            int j = i + 1;
            while (true)
            {
                if (j >= CardLength) return false; // unterminated string: FitsHeader's error
                if (line[j] == '\'')
                {
                    if (j + 1 < CardLength && line[j + 1] == '\'') { j += 2; continue; }
                    break;
                }
                j++;
            }
            var text = line[(i + 1)..j];
            if (text.TrimEnd((byte)' ').EndsWith("&"u8)) return false; // a long string (CONTINUE) or its dangling '&'
            card = new Card { ValueStart = start + i + 1, ValueLength = j - i - 1, IsString = true };
        }
        else
        {
            int slash = line[i..].IndexOf((byte)'/');
            var text = slash >= 0 ? line[i..(i + slash)] : line[i..];
            int lead = text.Length - text.TrimStart((byte)' ').Length;
            text = text.Trim((byte)' ');
            if (text.IsEmpty) return true; // no value: commentary, not indexed
            card = new Card { ValueStart = start + i + lead, ValueLength = text.Length, IsString = false };
        }
        card.KeyStart = keyStart;
        card.KeyLength = keyLength;
        if (_scanCount == _scanCards.Length) Array.Resize(ref _scanCards, _scanCards.Length * 2);
        _scanCards[_scanCount++] = card;
        return true;
    }

    private static bool IsPadding(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0, (byte)' ') < 0;

    /// <summary>The first card with a value and this key (<see cref="FitsHeader"/>'s index keeps the first), or -1.</summary>
    private int Find(string keyword)
    {
        var cards = _lookInScan ? _scanCards : _imageCards;
        int count = _lookInScan ? _scanCount : _imageCount;
        for (int c = 0; c < count; c++)
        {
            ref readonly var card = ref cards[c];
            if (card.KeyLength != keyword.Length) continue;
            var key = _file.AsSpan(card.KeyStart, card.KeyLength);
            int k = 0;
            while (k < key.Length && key[k] == keyword[k]) k++;
            if (k == key.Length) return c;
        }
        return -1;
    }

    /// <summary>The value text of card <paramref name="c"/> as <see cref="FitsCard.Value"/> holds it.</summary>
    private ReadOnlySpan<char> ValueOf(int c)
    {
        var card = (_lookInScan ? _scanCards : _imageCards)[c];
        var raw = _file.AsSpan(card.ValueStart, card.ValueLength);
        int n = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            _value[n++] = (char)raw[i];
            if (card.IsString && raw[i] == '\'') i++; // '' → '
        }
        var value = _value.AsSpan(0, n);
        return card.IsString ? value.TrimEnd(' ') : value;
    }

    private bool IsStringCard(int c) => (_lookInScan ? _scanCards : _imageCards)[c].IsString;

    public bool Contains(string keyword) => _slowHdu is { } h ? h.Header.Contains(keyword) : Find(keyword) >= 0;

    public bool TryGetDouble(string keyword, out double value)
    {
        if (_slowHdu is { } h) return h.Header.TryGetDouble(keyword, out value);
        value = double.NaN;
        int c = Find(keyword);
        return c >= 0 && FitsHeader.TryParseNumber(ValueOf(c), out value);
    }

    public bool TryGetLong(string keyword, out long value)
    {
        if (_slowHdu is { } h) return h.Header.TryGetLong(keyword, out value);
        value = 0;
        int c = Find(keyword);
        return c >= 0 && !IsStringCard(c) && FitsHeader.TryParseInteger(ValueOf(c), out value);
    }

    public bool TryGetBool(string keyword, out bool value)
    {
        if (_slowHdu is { } h) return h.Header.TryGetBool(keyword, out value);
        value = false;
        int c = Find(keyword);
        return c >= 0 && !IsStringCard(c) && FitsHeader.TryParseLogical(ValueOf(c), out value);
    }

    public bool TryGetStringSpan(string keyword, out ReadOnlySpan<char> value)
    {
        if (_slowHdu is { } h) return h.Header.TryGetStringSpan(keyword, out value);
        int c = Find(keyword);
        value = c >= 0 ? ValueOf(c) : default;
        return c >= 0;
    }
}

using System.Buffers;
using System.Text;

namespace GoTraceEngine.Reporting;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of UTF-8 that hands what was written to a <see cref="TextWriter"/> whenever its
/// buffer fills: a <see cref="System.Text.Json.Utf8JsonWriter"/> on it writes a document of any size in a buffer of a
/// fixed size. Pieces are decoded with one decoder, so a character split between two would still be decoded whole
/// (its first bytes wait in the decoder), though a <see cref="System.Text.Json.Utf8JsonWriter"/> asks for room before
/// each token, and so its pieces end between tokens.
/// </summary>
internal sealed class TextBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>The buffer's size unless told otherwise: 64 KiB.</summary>
    public const int DefaultSize = 64 * 1024;

    private readonly TextWriter _writer;
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private byte[] _bytes;
    private char[] _chars;
    private int _written;

    /// <summary>A writer to <paramref name="writer"/> with a buffer of <paramref name="size"/> bytes.</summary>
    public TextBufferWriter(TextWriter writer, int size)
    {
        _writer = writer;
        _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        _chars = ArrayPool<char>.Shared.Rent(CharsFor(_bytes.Length));
        Size = Math.Max(size, 1);
    }

    /// <summary>The bytes written before the buffer is handed on.</summary>
    private int Size { get; }

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _bytes.Length - _written);
        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        // Room first: it may replace the buffer.
        int start = Reserve(sizeHint);
        return _bytes.AsMemory(start);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int start = Reserve(sizeHint);
        return _bytes.AsSpan(start);
    }

    /// <summary>Hands on what is left, the end of the document.</summary>
    public void Complete() => Drain(final: true);

    /// <inheritdoc/>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<char>.Shared.Return(_chars);
        _bytes = [];
        _chars = [];
    }

    /// <summary>Makes room for <paramref name="sizeHint"/> bytes (at least one) after the ones written; returns where it starts.</summary>
    private int Reserve(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int needed = Math.Max(sizeHint, 1);
        if (_written >= Size || _bytes.Length - _written < needed)
        {
            Drain(final: false);
        }

        if (_bytes.Length - _written < needed)
        {
            // One value longer than the buffer (a very long name): a bigger buffer, kept for the rest.
            byte[] bigger = ArrayPool<byte>.Shared.Rent(_written + needed);
            _bytes.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = bigger;
            ArrayPool<char>.Shared.Return(_chars);
            _chars = ArrayPool<char>.Shared.Rent(CharsFor(_bytes.Length));
        }

        return _written;
    }

    /// <summary>
    /// The UTF-16 units <paramref name="bytes"/> of UTF-8 can decode to, with up to three bytes of a character the last
    /// piece cut held in the decoder: UTF-8 never makes more units than bytes, and such a character adds at most two.
    /// </summary>
    private static int CharsFor(int bytes) => bytes + 2;

    /// <summary>Decodes the bytes written and writes the characters; a character cut at the end waits in the decoder unless <paramref name="final"/>.</summary>
    private void Drain(bool final)
    {
        int chars = _decoder.GetChars(_bytes.AsSpan(0, _written), _chars, flush: final);
        _written = 0;
        _writer.Write(_chars, 0, chars);
    }
}

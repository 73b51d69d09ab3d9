using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GoTraceEngine.Internal;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// Cuts input chunks into lines and hands each to a handler. Complete lines are handed straight from the caller's
/// buffer; only the tail of a chunk (a line cut by the chunk boundary) is copied into a carry buffer, bounded by the
/// maximum line length.
/// </summary>
/// <remarks>
/// <para>Choice, unlike Kestrel's "consume nothing of an incomplete line": the framer consumes every byte it is given,
/// so <c>Feed(span)</c>, Stream and PipeReader input share one code path, a partial line is never rescanned on the next
/// read, and a line of any length costs no memory.</para>
/// <para>Line ends are found 32 bytes at a time (one compare and one movemask per block, then one bit per line): trace
/// lines are short, so this beats an <c>IndexOf</c> call per line, whose setup cost dominates on 60-byte lines.
/// <see cref="Vectorization.Framing"/> switches to the scalar twin. A mutable struct held in a field of its owner; not
/// thread-safe.</para>
/// </remarks>
internal struct LineFramer(int maxLineLength)
{
    private const byte NewLine = (byte)'\n';

    private readonly int _maxLineLength = maxLineLength;
    private byte[] _carry = [];
    private int _carryLength;
    private bool _discarding;
    private long _discardedLength;
    private long _bytesRead;

    /// <summary>Bytes fed so far; may be read from another thread (progress).</summary>
    public readonly long BytesRead => Volatile.Read(ref Unsafe.AsRef(in _bytesRead));

    /// <summary>Whether a partial line is waiting for its end.</summary>
    public readonly bool HasPartialLine => _carryLength > 0 || _discarding;

    /// <summary>Whether the partial line waiting is too long and only its length is being counted.</summary>
    public readonly bool IsDiscarding => _discarding;

    /// <summary>The partial line waiting for its end (empty when there is none or it is being discarded).</summary>
    public readonly ReadOnlySpan<byte> CarriedLine => _carry.AsSpan(0, _carryLength);

    /// <summary>Counts bytes framed elsewhere (by <see cref="ChunkPipeline"/>), so <see cref="BytesRead"/> stays the input's total.</summary>
    /// <param name="count">The bytes.</param>
    public void CountBytes(long count) => Volatile.Write(ref _bytesRead, _bytesRead + count);

    /// <summary>Forgets the carried partial line: another framer goes on from its bytes (<see cref="CarriedLine"/>).</summary>
    public void ClearCarry() => _carryLength = 0;

    /// <summary>
    /// Takes over a partial line that another framer carried to the end of its input: its bytes, or, when it was too
    /// long, the length counted so far. Its bytes were counted where they were read.
    /// </summary>
    /// <param name="partial">The bytes of the partial line (ignored when <paramref name="discardedLength"/> is above 0).</param>
    /// <param name="discardedLength">The length of a too-long partial line, else 0.</param>
    public void Restore(ReadOnlySpan<byte> partial, long discardedLength)
    {
        if (discardedLength > 0)
        {
            _carryLength = 0;
            _discarding = true;
            _discardedLength = discardedLength;
            return;
        }

        if (!partial.IsEmpty)
        {
            Carry(partial);
        }
    }

    /// <summary>Frames <paramref name="data"/>: every complete line goes to <paramref name="handler"/>, a trailing partial line is carried.</summary>
    public void Feed<THandler>(ref THandler handler, ReadOnlySpan<byte> data)
        where THandler : struct, ILineHandler
    {
        Volatile.Write(ref _bytesRead, _bytesRead + data.Length);
        if (_carryLength > 0 || _discarding)
        {
            int end = data.IndexOf(NewLine);
            if (end < 0)
            {
                Carry(data);
                return;
            }

            Carry(data[..end]);
            FinishCarriedLine(ref handler);
            data = data[(end + 1)..];
        }

        int consumed = Vectorization.Framing ? FrameVectorized(ref handler, data) : 0;
        data = data[consumed..];
        int max = _maxLineLength;
        while (true)
        {
            int end = data.IndexOf(NewLine);
            if (end < 0)
            {
                break;
            }

            if (end <= max)
            {
                handler.OnLine(data[..end]);
            }
            else
            {
                handler.OnTooLong(end);
            }

            data = data[(end + 1)..];
        }

        if (!data.IsEmpty)
        {
            Carry(data);
        }
    }

    /// <summary>Ends the input: a carried last line (no <c>\n</c>) goes to the handler. Returns whether there was one.</summary>
    public bool Complete<THandler>(ref THandler handler)
        where THandler : struct, ILineHandler
    {
        if (!HasPartialLine)
        {
            return false;
        }

        FinishCarriedLine(ref handler);
        return true;
    }

    private int FrameVectorized<THandler>(ref THandler handler, ReadOnlySpan<byte> data)
        where THandler : struct, ILineHandler
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int max = _maxLineLength;
        Vector256<byte> newLines = Vector256.Create(NewLine);
        int lineStart = 0;
        int block = 0;
        while (block <= length - Vector256<byte>.Count)
        {
            uint mask = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)block), newLines).ExtractMostSignificantBits();
            while (mask != 0)
            {
                int end = block + BitOperations.TrailingZeroCount(mask);
                int lineLength = end - lineStart;
                if (lineLength <= max)
                {
                    handler.OnLine(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, lineStart), lineLength));
                }
                else
                {
                    handler.OnTooLong(lineLength);
                }

                lineStart = end + 1;
                mask &= mask - 1;
            }

            block += Vector256<byte>.Count;
        }

        return lineStart;
    }

    private void Carry(ReadOnlySpan<byte> part)
    {
        if (_discarding)
        {
            _discardedLength += part.Length;
            return;
        }

        int length = _carryLength + part.Length;
        if (length > _maxLineLength)
        {
            // Too long to ever be parsed: stop buffering and only count its length until its end arrives.
            _discarding = true;
            _discardedLength = length;
            _carryLength = 0;
            return;
        }

        if (length > _carry.Length)
        {
            GrowCarry(length);
        }

        part.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength = length;
    }

    private void GrowCarry(int needed)
    {
        int size = Math.Min(_maxLineLength, Math.Max(needed, Math.Max(256, _carry.Length * 2)));
        byte[] carry = new byte[size];
        _carry.AsSpan(0, _carryLength).CopyTo(carry);
        _carry = carry;
    }

    private void FinishCarriedLine<THandler>(ref THandler handler)
        where THandler : struct, ILineHandler
    {
        if (_discarding)
        {
            _discarding = false;
            handler.OnTooLong(_discardedLength);
            _discardedLength = 0;
        }
        else
        {
            handler.OnLine(_carry.AsSpan(0, _carryLength));
        }

        _carryLength = 0;
    }
}

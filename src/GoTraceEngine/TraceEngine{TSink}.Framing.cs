using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GoTraceEngine.Reporting;

namespace GoTraceEngine;

// Line framing. Complete lines are parsed straight from the caller's buffer; only the tail of a chunk (a line cut by
// the chunk boundary) is copied into a carry buffer, bounded by MaxLineLength. Choice, unlike Kestrel's "consume
// nothing of an incomplete line": the engine consumes every byte it is given, so Feed(span), Stream and PipeReader input
// share one code path, a partial line is never rescanned on the next read, and a line of any length costs no memory.
public partial class TraceEngine<TSink>
{
    private const byte NewLine = (byte)'\n';

    private readonly int _maxLineLength;
    private byte[] _carry = [];
    private int _carryLength;
    private bool _discarding;
    private long _discardedLength;
    private long _bytesRead;
    private bool _endedMidLine;
    private readonly List<(IncompleteReason Reason, string? Detail)> _endedEarly = [];

    /// <summary>Bytes fed so far. Like <see cref="LinesRead"/>, it may be read from another thread to show progress.</summary>
    public long BytesRead => Volatile.Read(ref _bytesRead);

    /// <summary>Feeds a chunk of tracer output. Lines may be split across chunks at any byte.</summary>
    /// <param name="data">The next bytes of input; not kept after the call returns.</param>
    /// <exception cref="InvalidOperationException"><see cref="Complete()"/> was already called.</exception>
    public void Feed(ReadOnlySpan<byte> data)
    {
        ThrowIfCompleted();
        _bytesRead += data.Length;
        if (_carryLength > 0 || _discarding)
        {
            int end = data.IndexOf(NewLine);
            if (end < 0)
            {
                Carry(data);
                return;
            }

            Carry(data[..end]);
            FinishCarriedLine();
            data = data[(end + 1)..];
        }

        int consumed = Vector256.IsHardwareAccelerated ? FrameVectorized(data) : 0;
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
                ProcessLine(data[..end]);
            }
            else
            {
                ProcessTooLong(end);
            }

            data = data[(end + 1)..];
        }

        if (!data.IsEmpty)
        {
            Carry(data);
        }
    }

    /// <summary>
    /// Finds line ends 32 bytes at a time (one compare and one movemask per block, then one bit per line) and
    /// processes every complete line; returns how many bytes were consumed. Trace lines are short, so this beats an
    /// <c>IndexOf</c> call per line, whose setup cost dominates on 60-byte lines.
    /// </summary>
    private int FrameVectorized(ReadOnlySpan<byte> data)
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
                    ProcessLine(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, lineStart), lineLength));
                }
                else
                {
                    ProcessTooLong(lineLength);
                }

                lineStart = end + 1;
                mask &= mask - 1;
            }

            block += Vector256<byte>.Count;
        }

        return lineStart;
    }

    /// <summary>Ends the input: a last line without <c>\n</c> is processed. Further feeding throws.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (_carryLength > 0 || _discarding)
        {
            // A last line with no newline: processed, and the report says the input may have been cut.
            _endedMidLine = true;
            FinishCarriedLine();
        }

        DrainReorderBuffer();
        _completed = true;
    }

    /// <summary>
    /// Ends the input early (the reader was cancelled, the tracer failed): what was read is applied, and the report is
    /// marked incomplete with <paramref name="reason"/>.
    /// </summary>
    /// <param name="reason">Why the input ended.</param>
    /// <param name="detail">Words for the report, replacing the reason's own (<c>bpftrace exited with code 1</c>), or null.</param>
    public void Complete(IncompleteReason reason, string? detail = null)
    {
        _endedEarly.Add((reason, detail));
        Complete();
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

    private void FinishCarriedLine()
    {
        if (_discarding)
        {
            _discarding = false;
            ProcessTooLong(_discardedLength);
            _discardedLength = 0;
        }
        else
        {
            ProcessLine(_carry.AsSpan(0, _carryLength));
        }

        _carryLength = 0;
    }
}

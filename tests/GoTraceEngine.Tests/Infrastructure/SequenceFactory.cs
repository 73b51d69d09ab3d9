using System.Buffers;

namespace GoTraceEngine.Tests.Infrastructure;

/// <summary>Builds multi-segment sequences, including empty segments, the way a pipe may hand them out.</summary>
internal static class SequenceFactory
{
    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        Segment last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One byte per segment with an empty segment between each.</summary>
    public static ReadOnlySequence<byte> BytewiseWithEmpties(byte[] data)
    {
        var parts = new List<byte[]>();
        foreach (byte b in data)
        {
            parts.Add([b]);
            parts.Add([]);
        }

        return Create([.. parts]);
    }

    public static ReadOnlySequence<byte> SplitInThree(byte[] data)
    {
        int a = data.Length / 3;
        int b = 2 * data.Length / 3;
        return Create(data[..a], data[a..b], data[b..]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

using System.Text;
using GoTraceEngine.Parsing;
using static GoTraceEngine.Generation.TraceText;

namespace GoTraceEngine.Generation;

/// <summary>
/// Writes the full event format the bundled tracers print, one buffer per CPU drained in turn (lines from different
/// CPUs come out of time order, as bpftrace and dtrace print them), and remembers which line each record landed on.
/// </summary>
internal sealed class FullFormatWriter
{
    private const int CpuBufferSize = 1 << 16;
    private const int MaxRecord = 512;

    private readonly Stream _output;
    private readonly byte[] _buffer = new byte[1 << 20];
    private readonly byte[][] _cpuBuffers;
    private readonly int[] _cpuLengths;
    private readonly long[] _records;
    private readonly long[] _drainedRecords;
    private readonly List<(long FirstRecord, long FirstLine)>[] _chunks;
    private int _position;

    public FullFormatWriter(Stream output, int cpus)
    {
        _output = output;
        _cpuBuffers = new byte[cpus][];
        _cpuLengths = new int[cpus];
        _records = new long[cpus];
        _drainedRecords = new long[cpus];
        _chunks = new List<(long, long)>[cpus];
        for (int i = 0; i < cpus; i++)
        {
            _cpuBuffers[i] = new byte[CpuBufferSize];
            _chunks[i] = [];
        }
    }

    /// <summary>Lines written to the output so far (records still in CPU buffers not included).</summary>
    public long Lines { get; private set; }

    /// <summary>Event records written (drained or not).</summary>
    public long Events { get; private set; }

    /// <summary>The record number the next record on <paramref name="cpu"/> gets; <see cref="LineOf"/> resolves it after a drain.</summary>
    public long NextRecord(int cpu) => _records[cpu];

    public void Header(ReadOnlySpan<byte> line)
    {
        Ensure(line.Length);
        line.CopyTo(_buffer.AsSpan(_position));
        _position += line.Length;
        Lines++;
    }

    public void Create(int cpu, long ts, ulong g, ulong parent, long goId, byte[] function, byte[] creator)
    {
        Span<byte> s = Begin(cpu, out int p);
        FullCreate(s, ref p, ts, g, parent, goId, function, creator);
        End(cpu, p);
    }

    public void Park(int cpu, long ts, ulong g, byte reason, byte wait, ulong obj)
    {
        Span<byte> s = Begin(cpu, out int p);
        FullPark(s, ref p, ts, g, reason, wait, obj);
        End(cpu, p);
    }

    public void Ready(int cpu, long ts, ulong g) => Simple(cpu, Keywords.Ready, ts, g);

    public void Destroy(int cpu, long ts, ulong g) => Simple(cpu, Keywords.Destroy, ts, g);

    public void Tick(int cpu, long ts)
    {
        Span<byte> s = Begin(cpu, out int p);
        FullTimestamped(s, ref p, Keywords.Tick, ts);
        End(cpu, p);
    }

    public void EndOfTrace(long ts)
    {
        Drain();
        Span<byte> s = Begin(0, out int p);
        FullTimestamped(s, ref p, Keywords.End, ts);
        End(0, p);
        Drain();
        _output.Write(_buffer, 0, _position);
        _position = 0;
        _output.Flush();
    }

    /// <summary>A per-CPU consumer reads each CPU's buffer in turn.</summary>
    public void Drain()
    {
        for (int cpu = 0; cpu < _cpuBuffers.Length; cpu++)
        {
            int length = _cpuLengths[cpu];
            if (length == 0)
            {
                continue;
            }

            _chunks[cpu].Add((_drainedRecords[cpu], Lines + 1));
            Lines += _records[cpu] - _drainedRecords[cpu];
            _drainedRecords[cpu] = _records[cpu];
            Ensure(length);
            _cpuBuffers[cpu].AsSpan(0, length).CopyTo(_buffer.AsSpan(_position));
            _position += length;
            _cpuLengths[cpu] = 0;
        }
    }

    /// <summary>The 1-based line a drained record landed on.</summary>
    public long LineOf(int cpu, long record)
    {
        List<(long FirstRecord, long FirstLine)> chunks = _chunks[cpu];
        int lo = 0, hi = chunks.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (chunks[mid].FirstRecord <= record)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (chunks.Count == 0 || chunks[lo].FirstRecord > record || record >= _drainedRecords[cpu])
        {
            throw new InvalidOperationException("The record was not drained yet.");
        }

        return chunks[lo].FirstLine + (record - chunks[lo].FirstRecord);
    }

    private void Simple(int cpu, ReadOnlySpan<byte> keyword, long ts, ulong g)
    {
        Span<byte> s = Begin(cpu, out int p);
        FullSimple(s, ref p, keyword, ts, g);
        End(cpu, p);
    }

    private Span<byte> Begin(int cpu, out int p)
    {
        p = 0;
        if (_cpuLengths[cpu] + MaxRecord > CpuBufferSize)
        {
            Drain();
        }

        return _cpuBuffers[cpu].AsSpan(_cpuLengths[cpu]);
    }

    private void End(int cpu, int p)
    {
        _cpuBuffers[cpu][_cpuLengths[cpu] + p] = (byte)'\n';
        _cpuLengths[cpu] += p + 1;
        _records[cpu]++;
        Events++;
    }

    private void Ensure(int length)
    {
        if (_position + length > _buffer.Length)
        {
            _output.Write(_buffer, 0, _position);
            _position = 0;
        }
    }

    public static byte[] Name(string name) => Encoding.ASCII.GetBytes(name);
}

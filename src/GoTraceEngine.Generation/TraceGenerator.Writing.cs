using System.Text;
using GoTraceEngine.Parsing;
using static GoTraceEngine.Generation.TraceText;

namespace GoTraceEngine.Generation;

// Formatting: the parser's words (Keywords) and every number go straight into a byte buffer (TraceText); nothing per
// line allocates.
public sealed partial class TraceGenerator
{
    private static readonly byte[] s_createPrefix = Prefix(80134, "runtime.newproc1:return");
    private static readonly byte[] s_parkPrefix = Prefix(80131, "runtime.gopark:entry");
    private static readonly byte[] s_readyPrefix = Prefix(80133, "runtime.ready:entry");
    private static readonly byte[] s_destroyPrefix = Prefix(80129, "runtime.gdestroy:entry");
    private static readonly byte[] s_tickPrefix = Prefix(80200, ":profile-1s");
    private static readonly byte[] s_endPrefix = Prefix(2, ":END");

    /// <summary>" %6d %32s ": the part of dtrace's non-quiet record prefix after the CPU.</summary>
    private static byte[] Prefix(int id, string probe) =>
        Encoding.ASCII.GetBytes(" " + id.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(6) + " " + probe.PadLeft(32) + " ");

    private void WriteHeader()
    {
        switch (_options.Format)
        {
            case TraceFormat.Full:
                Raw(GenHeader);
                break;
            case TraceFormat.NonQuiet:
                Raw("dtrace: script 'goroutines.d' matched 6 probes\nCPU     ID                    FUNCTION:NAME\n"u8);
                break;
            default:
                break;
        }
    }

    private void WriteCreate(in Slot slot, string function, string creator)
    {
        Span<byte> s = Begin(slot.Cpu, s_createPrefix, out int p);
        if (_options.Format == TraceFormat.Full)
        {
            Span<byte> names = stackalloc byte[512];
            int fn = Encoding.ASCII.GetBytes(function, names);
            int cr = Encoding.ASCII.GetBytes(creator, names[fn..]);
            FullCreate(s, ref p, _ts, slot.G, ParentG, slot.GoId, names[..fn], names[fn..(fn + cr)]);
        }
        else
        {
            Put(s, ref p, Keywords.Create);
            Key(s, ref p, Keywords.Goroutine);
            Hex(s, ref p, slot.G);
            Key(s, ref p, Keywords.Parent);
            Dec(s, ref p, (long)ParentG);
            Counters(s, ref p, withCount: true);
        }

        End(slot.Cpu, p);
    }

    private void WritePark(in Slot slot, byte reason, byte wait, ulong obj)
    {
        Span<byte> s = Begin(slot.Cpu, s_parkPrefix, out int p);
        if (_options.Format == TraceFormat.Full)
        {
            FullPark(s, ref p, _ts, slot.G, reason, wait, obj);
        }
        else
        {
            Put(s, ref p, Keywords.Park);
            Key(s, ref p, Keywords.Goroutine);
            Hex(s, ref p, slot.G);
            Key(s, ref p, Keywords.Blocked);
            s[p++] = slot.State == SlotState.Blocked ? (byte)'1' : (byte)'0';
            Key(s, ref p, Keywords.Reason);
            Dec(s, ref p, reason);
            Counters(s, ref p, withCount: false);
        }

        End(slot.Cpu, p);
    }

    private void WriteSimple(in Slot slot, EventKind kind)
    {
        Span<byte> s = Begin(slot.Cpu, kind == EventKind.Ready ? s_readyPrefix : s_destroyPrefix, out int p);
        Put(s, ref p, kind == EventKind.Ready ? Keywords.Ready : Keywords.Destroy);
        if (_options.Format == TraceFormat.Full)
        {
            Key(s, ref p, Keywords.Timestamp);
            Dec(s, ref p, _ts);
        }

        Key(s, ref p, Keywords.Goroutine);
        Hex(s, ref p, slot.G);
        if (kind == EventKind.Destroy && _options.Format != TraceFormat.Full)
        {
            Counters(s, ref p, withCount: true);
        }

        End(slot.Cpu, p);
    }

    /// <summary><c>profile-1s</c> fires on every CPU.</summary>
    private void Ticks()
    {
        for (int cpu = 0; cpu < _options.Cpus; cpu++)
        {
            Span<byte> s = Begin(cpu, s_tickPrefix, out int p);
            Put(s, ref p, Keywords.Tick);
            if (_options.Format == TraceFormat.Full)
            {
                Key(s, ref p, Keywords.Timestamp);
                Dec(s, ref p, _ts + cpu);
            }
            else
            {
                Counters(s, ref p, withCount: true);
            }

            End(cpu, p);
        }
    }

    private void End()
    {
        if (_options.Format == TraceFormat.Full)
        {
            DrainCpuBuffers();
        }

        Span<byte> s = Begin(0, s_endPrefix, out int p);
        Put(s, ref p, Keywords.End);
        if (_options.Format == TraceFormat.Full)
        {
            Key(s, ref p, Keywords.Timestamp);
            Dec(s, ref p, _ts + 1);
        }
        else
        {
            Counters(s, ref p, withCount: true);
        }

        End(0, p);
        DrainCpuBuffers();
    }

    /// <summary>The script's own counters, printed true: a generated trace's counters agree with the engine.</summary>
    private void Counters(Span<byte> s, ref int p, bool withCount)
    {
        if (withCount)
        {
            Key(s, ref p, Keywords.Count);
            Dec(s, ref p, _liveCount + _leakedLive);
        }

        Key(s, ref p, Keywords.BlockedCount);
        Dec(s, ref p, _blockedCount);
    }

    /// <summary>Starts a record: the full format goes to its CPU's buffer, the others to the output buffer.</summary>
    private Span<byte> Begin(int cpu, byte[] prefix, out int p)
    {
        p = 0;
        Span<byte> s;
        if (_options.Format == TraceFormat.Full)
        {
            if (_cpuLengths[cpu] + MaxRecord > _cpuBuffers[cpu].Length)
            {
                DrainCpuBuffers();
            }

            s = _cpuBuffers[cpu].AsSpan(_cpuLengths[cpu]);
        }
        else
        {
            if (_position + MaxRecord > _buffer.Length)
            {
                FlushBuffer();
            }

            s = _buffer.AsSpan(_position);
        }

        if (_options.Format == TraceFormat.NonQuiet)
        {
            int digits = cpu < 10 ? 1 : cpu < 100 ? 2 : 3;
            for (int i = digits; i < 3; i++)
            {
                s[p++] = (byte)' ';
            }

            Dec(s, ref p, cpu);
            Put(s, ref p, prefix);
        }

        return s;
    }

    private void End(int cpu, int p)
    {
        Span<byte> s = _options.Format == TraceFormat.Full ? _cpuBuffers[cpu].AsSpan(_cpuLengths[cpu]) : _buffer.AsSpan(_position);
        s[p++] = (byte)'\n';
        if (_options.Format == TraceFormat.NonQuiet)
        {
            // dtrace closes every non-quiet record with an empty line.
            s[p++] = (byte)'\n';
        }

        if (_options.Format == TraceFormat.Full)
        {
            _cpuLengths[cpu] += p;
        }
        else
        {
            _position += p;
        }

        _events++;
    }

    /// <summary>A per-CPU consumer reads each CPU's buffer in turn: lines from different CPUs come out of time order.</summary>
    private void DrainCpuBuffers()
    {
        for (int cpu = 0; cpu < _cpuBuffers.Length; cpu++)
        {
            int length = _cpuLengths[cpu];
            if (length == 0)
            {
                continue;
            }

            if (_position + length > _buffer.Length)
            {
                FlushBuffer();
            }

            _cpuBuffers[cpu].AsSpan(0, length).CopyTo(_buffer.AsSpan(_position));
            _position += length;
            _cpuLengths[cpu] = 0;
        }
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        if (_position + bytes.Length > _buffer.Length)
        {
            FlushBuffer();
        }

        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    private void FlushBuffer()
    {
        _output.Write(_buffer, 0, _position);
        _flushed += _position;
        _position = 0;
    }

    private void Flush()
    {
        FlushBuffer();
        _output.Flush();
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using GoTraceEngine.State;
using Microsoft.Win32.SafeHandles;

namespace GoTraceEngine.Cli;

/// <summary>
/// The goroutines a running Go process holds blocked, read out of its memory (<c>/proc/PID/mem</c>) right after the
/// tracer's probes attached: the goroutines that parked before the attach and may never park again, which a trace
/// alone cannot see. Each becomes a park line of the attach script's form, stamped with the moment just before it was
/// read, so the engine follows it from there as it follows a goroutine met at its first park.
/// </summary>
/// <remarks>
/// <para>The runtime keeps every g it ever made in <c>runtime.allgs</c> (a <c>[]*g</c> that only grows; a g's memory
/// is never freed). A g whose <c>atomicstatus</c> (less the GC's scan bit) is <c>_Gwaiting</c> and whose
/// <c>waitreason</c> is one of the blocking reasons (channels, select, the sync package) is written; running, runnable,
/// dead and otherwise waiting ones (network, sleep, the runtime's own) are not, nor are the runtime's own goroutines,
/// which Go's dumps leave out too.</para>
/// <para>Why each line's timestamp is taken before its g is read: the probes are attached, so whatever the goroutine
/// does after the read is in the trace with a later timestamp, and the engine, which orders by time, applies it after
/// the snapshot's park. A park the trace saw before the read is the same park (the engine keeps its start).</para>
/// <para>The read is done in steps (<see cref="Step"/>) between the trace's own chunks, so a snapshot of a million
/// goroutines never holds the trace back by more than a step: the engine's reorder window covers the rest.</para>
/// </remarks>
internal sealed class GoroutineSnapshot : IDisposable
{
    /// <summary>How many g's one <see cref="Step"/> reads.</summary>
    private const int StepSize = 4096;

    /// <summary>How many bytes one read of the process's memory takes at most (a few g's, a few hundred bytes each).</summary>
    private const int WindowSize = 64 * 1024;

    private const uint Waiting = 4;
    private const uint ScanBit = 0x1000;

    private readonly SafeFileHandle _memory;
    private readonly GoSymbols _names;
    private readonly Dictionary<ulong, bool> _system = [];
    private readonly GOffsets _offsets;
    private readonly byte[] _traceReasonOf;
    private readonly ulong _allgs;
    private readonly ulong[] _probes;
    private ulong[]? _gs;
    private readonly byte[] _window = new byte[WindowSize];
    private readonly int _gSize;
    private readonly StringBuilder _lines = new();
    private int _next;

    private GoroutineSnapshot(SafeFileHandle memory, GoSymbols names, GOffsets offsets, byte[] traceReasonOf, ulong allgs, ulong[] probes, int gSize)
    {
        _memory = memory;
        _names = names;
        _offsets = offsets;
        _traceReasonOf = traceReasonOf;
        _allgs = allgs;
        _probes = probes;
        _gSize = gSize;
    }

    /// <summary>How many goroutines (g's, live or dead) the process had when the snapshot began.</summary>
    public int Goroutines => _gs?.Length ?? 0;

    /// <summary>How many blocked goroutines the snapshot has written so far.</summary>
    public int Blocked { get; private set; }

    /// <summary>
    /// Opens the snapshot of process <paramref name="pid"/>: finds <c>runtime.allgs</c> and opens the process's memory
    /// (the g's are read from the first <see cref="Step"/> on, once <see cref="ProbesAttached"/>). Null, with one line
    /// saying why, when the binary or the machine does not allow it (a
    /// position-independent executable, DWARF without the fields, a Go release whose waitReason numbering is unknown,
    /// or the process's memory cannot be read).
    /// </summary>
    public static GoroutineSnapshot? Open(int pid, GoSymbols names, GOffsets offsets, GoVersion version, out string? error)
    {
        error = null;
        if (names.IsPositionIndependent)
        {
            error = "it is a position-independent executable, whose variables' addresses are chosen at run time";
            return null;
        }

        if (offsets.Status is null || offsets.WaitReason is null)
        {
            error = "its DWARF does not describe g.atomicstatus and g.waitreason";
            return null;
        }

        if (!ReasonTable.TryFor(ReasonNumbering.Wait, version, out ReasonTable? waits))
        {
            error = $"the runtime's waitReason numbering of go{version.Major}.{version.Minor} is not known (Go 1.21 and later are)";
            return null;
        }

        if (names.Symbol("runtime.allgs") is not { } allgs)
        {
            error = "it has no runtime.allgs symbol";
            return null;
        }

        SafeFileHandle memory;
        try
        {
            memory = File.OpenHandle($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"its memory cannot be read ({e.Message})";
            return null;
        }

        ulong[] probes = [.. new[] { "runtime.gopark", "runtime.ready" }.Select(names.Symbol).OfType<ulong>()];
        int size = 8 + Math.Max(
            Math.Max(offsets.GoId, Math.Max(offsets.GoPc, offsets.StartPc)),
            Math.Max(offsets.Status.Value, offsets.WaitReason.Value));
        return new GoroutineSnapshot(memory, names, offsets, TraceReasons(waits, ReasonTable.For(ReasonNumbering.Trace, version)), allgs, probes, size);
    }

    /// <summary>
    /// Whether the tracer's probes on <c>runtime.gopark</c> and <c>runtime.ready</c> are in: a uprobe is a breakpoint
    /// (<c>int3</c>, 0xCC) written over the first byte of the function in the process's own copy of the page. Read
    /// before the probes are in, a goroutine released before they are would stay blocked in the report for good.
    /// </summary>
    public bool ProbesAttached()
    {
        Span<byte> first = stackalloc byte[1];
        foreach (ulong probe in _probes)
        {
            if (!TryRead(_memory, probe, first) || first[0] != 0xCC)
            {
                return false;
            }
        }

        return _probes.Length > 0;
    }

    /// <summary>Reads the slice of g pointers (<c>runtime.allgs</c>); null, or one line saying why it cannot.</summary>
    private string? ReadGoroutines()
    {
        Span<byte> slice = stackalloc byte[16];
        if (!TryRead(_memory, _allgs, slice))
        {
            return "runtime.allgs cannot be read from its memory";
        }

        ulong array = BinaryPrimitives.ReadUInt64LittleEndian(slice);
        long length = BinaryPrimitives.ReadInt64LittleEndian(slice[8..]);
        if (length is < 0 or > 1 << 26 || (length > 0 && array == 0))
        {
            return $"runtime.allgs reads as a slice of {length} goroutines at 0x{array:x}: not a layout this version knows";
        }

        byte[] pointers = new byte[length * 8];
        if (length > 0 && !TryRead(_memory, array, pointers))
        {
            return "runtime.allgs's goroutines cannot be read from its memory";
        }

        List<ulong> gs = new((int)length);
        for (int i = 0; i < length; i++)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(pointers.AsSpan(i * 8)) is var g and not 0 and < long.MaxValue)
            {
                gs.Add(g);
            }
        }

        gs.Sort();
        _gs = [.. gs];
        return null;
    }

    /// <summary>
    /// Reads the next g's and hands the lines of the blocked ones to <paramref name="sink"/> (complete lines, in the
    /// attach script's raw form: <c>fn=</c> and <c>creator=</c> are pcs, for <see cref="TraceSymbolizer"/>). Returns
    /// false once every g is read.
    /// </summary>
    /// <exception cref="IOException">The g pointers cannot be read (the message says why).</exception>
    public bool Step(Action<ReadOnlySpan<byte>> sink)
    {
        if (_gs is null && ReadGoroutines() is { } error)
        {
            throw new IOException(error);
        }

        ulong[] gs = _gs!;
        int end = Math.Min(gs.Length, _next + StepSize);
        _lines.Clear();
        while (_next < end)
        {
            // The g's sit in the heap's spans, sorted here by address: one read takes every g of a window.
            ulong first = gs[_next];
            int count = 1;
            while (_next + count < end && gs[_next + count] + (ulong)_gSize - first <= (ulong)_window.Length)
            {
                count++;
            }

            // Stamped before the read: whatever a g does after it reaches the trace later than its park here.
            long ts = Posix.MonotonicNanoseconds();
            int length = (int)(gs[_next + count - 1] + (ulong)_gSize - first);
            if (count > 1 && TryRead(_memory, first, _window.AsSpan(0, length)))
            {
                for (int i = 0; i < count; i++)
                {
                    Write(gs[_next + i], _window.AsSpan((int)(gs[_next + i] - first), _gSize), ts);
                }
            }
            else
            {
                // A window that crosses memory the process has not mapped: each g on its own.
                for (int i = 0; i < count; i++)
                {
                    ulong g = gs[_next + i];
                    if (TryRead(_memory, g, _window.AsSpan(0, _gSize)))
                    {
                        Write(g, _window.AsSpan(0, _gSize), i == 0 ? ts : Posix.MonotonicNanoseconds());
                    }
                }
            }

            _next += count;
        }

        if (_lines.Length > 0)
        {
            sink(Encoding.ASCII.GetBytes(_lines.ToString()));
        }

        return _next < gs.Length;
    }

    /// <summary>Writes the line of one g read at <paramref name="ts"/> when it is blocked.</summary>
    private void Write(ulong g, ReadOnlySpan<byte> fields, long ts)
    {
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(fields[_offsets.Status!.Value..]) & ~ScanBit;
        byte wait = fields[_offsets.WaitReason!.Value];
        byte reason = _traceReasonOf[wait];
        ulong startPc = BinaryPrimitives.ReadUInt64LittleEndian(fields[_offsets.StartPc..]);
        if (status != Waiting || reason == 0 || IsSystem(startPc))
        {
            return;
        }

        Blocked++;
        ulong gopc = BinaryPrimitives.ReadUInt64LittleEndian(fields[_offsets.GoPc..]);
        _lines.Append(CultureInfo.InvariantCulture,
            $"gopark: ts={ts} goroutine={g:x} reason={reason} wait={wait} obj=0 goid={BinaryPrimitives.ReadInt64LittleEndian(fields[_offsets.GoId..])} ");
        _lines.Append(CultureInfo.InvariantCulture,
            $"gopc=0x{gopc:x} fn=0x{startPc:x} creator=0x{gopc:x}\n");
    }

    public void Dispose() => _memory.Dispose();

    /// <summary>
    /// Whether a goroutine starting at <paramref name="startPc"/> is one of the runtime's own, which Go's dumps leave out
    /// (<c>isSystemGoroutine</c>: a start function in package runtime other than <c>runtime.main</c>), such as the
    /// signal mask's <c>runtime.ensureSigM.func1</c>, blocked in a select for the program's life.
    /// </summary>
    private bool IsSystem(ulong startPc)
    {
        if (!_system.TryGetValue(startPc, out bool system))
        {
            string? name = _names.SymbolAt(startPc);
            system = name is not null && name.StartsWith("runtime.", StringComparison.Ordinal)
                && name is not ("runtime.main" or "runtime.corostart" or "runtime.handleAsyncEvent");
            _system[startPc] = system;
        }

        return system;
    }

    /// <summary>
    /// For each waitReason code, the trace numbering's code of the same wait when it is a blocking one (0 otherwise):
    /// the snapshot reads the waitReason, and the engine reads parks by the trace numbering.
    /// </summary>
    internal static byte[] TraceReasons(ReasonTable waits, ReasonTable trace)
    {
        var traceCodes = new Dictionary<string, byte>(StringComparer.Ordinal);
        for (int code = 1; code < 256; code++)
        {
            if (trace.IsKnown((byte)code))
            {
                traceCodes.TryAdd(trace.GetName((byte)code), (byte)code);
            }
        }

        byte[] map = new byte[256];
        for (int code = 1; code < 256; code++)
        {
            if (!waits.IsKnown((byte)code) || !waits.IsBlocking((byte)code))
            {
                continue;
            }

            string traced = waits.GetName((byte)code) switch
            {
                "chan receive (nil chan)" or "chan send (nil chan)" or "select (no cases)" => "forever",
                "sync.Cond.Wait" => "sync.(*Cond).Wait",
                "semacquire" or "sync.Mutex.Lock" or "sync.RWMutex.RLock" or "sync.RWMutex.Lock" or "sync.WaitGroup.Wait" => "sync",
                var name => name,
            };
            if (traceCodes.TryGetValue(traced, out byte mapped) && trace.IsBlocking(mapped))
            {
                map[code] = mapped;
            }
        }

        return map;
    }

    private static bool TryRead(SafeFileHandle memory, ulong address, Span<byte> buffer)
    {
        try
        {
            return address + (ulong)buffer.Length < long.MaxValue && RandomAccess.Read(memory, buffer, (long)address) == buffer.Length;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

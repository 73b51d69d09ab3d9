using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The live table's layouts on the live-table accesses <see cref="GoroutineState.Apply"/> makes (create: add and fill;
/// park and ready: find, stamp, flip the blocked flag; destroy: find, read the flag, remove), replayed from the matrix's
/// seed-format traces, parsed once in setup. Rows: entry memory (pinned managed array as today, transparent huge pages),
/// load factor, prefetching <see cref="PrefetchDistance"/> events ahead (the pipeline's lead, without the parsing
/// between), and the split table (16-byte index + dense records) with its two-stage prefetch.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MatrixConfig))]
public class LiveTableBench
{
    private const int PrefetchDistance = 16;
    private LiveOp[] _ops = [];

    [Params(1_000, 100_000, 1_000_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup() => _ops = LiveOp.FromTrace(MatrixInputs.Trace(TraceFormat.Quiet, Live));

    [Benchmark(Baseline = true, Description = "Inline 48 B, pinned managed (as today), 1/2 load")]
    public int InlineManaged() => LiveOps.Inline(_ops, new OpenTable<LiveValue>(1024, TableMemoryKind.Managed), 0);

    [Benchmark(Description = "Inline 48 B, huge pages")]
    public int InlineHugePages() => LiveOps.Inline(_ops, new OpenTable<LiveValue>(1024, TableMemoryKind.HugePages), 0);

    [Benchmark(Description = "Inline 48 B, managed, prefetch +16")]
    public int InlineManagedPrefetch() => LiveOps.Inline(_ops, new OpenTable<LiveValue>(1024, TableMemoryKind.Managed), PrefetchDistance);

    [Benchmark(Description = "Inline 48 B, huge pages, prefetch +16")]
    public int InlineHugePagesPrefetch() => LiveOps.Inline(_ops, new OpenTable<LiveValue>(1024, TableMemoryKind.HugePages), PrefetchDistance);

    [Benchmark(Description = "Inline 48 B, huge pages, 3/4 load, prefetch +16")]
    public int InlineLoad75Prefetch() => LiveOps.Inline(_ops, new OpenTable<LiveValue>(1024, TableMemoryKind.HugePages, 75), PrefetchDistance);

    [Benchmark(Description = "Split 16 B index + 40 B records, huge pages")]
    public int Split() => LiveOps.Split(_ops, new SplitTable<LiveValue>(1024, TableMemoryKind.HugePages), 0);

    [Benchmark(Description = "Split, huge pages, prefetch index +16, record +8")]
    public int SplitPrefetch() => LiveOps.Split(_ops, new SplitTable<LiveValue>(1024, TableMemoryKind.HugePages), PrefetchDistance);
}

/// <summary>One live-table access of a parsed event.</summary>
internal readonly record struct LiveOp(TraceEventKind Kind, bool Blocking, ulong G, long Line, long Timestamp, ulong Parent)
{
    public static LiveOp[] FromTrace(byte[] data)
    {
        var names = new NameTable();
        var ops = new List<LiveOp>(data.Length / 60);
        ReadOnlySpan<byte> rest = data;
        long lineNumber = 0;
        ReasonTable reasons = ReasonTable.TraceBlockReason;
        while (true)
        {
            int end = rest.IndexOf((byte)'\n');
            if (end < 0)
            {
                break;
            }

            if (TraceLineParser.Parse(rest[..end], ++lineNumber, names, out TraceEvent e, out _) == LineCategory.Event && e.GPointer != 0)
            {
                ops.Add(new LiveOp(e.Kind, reasons.IsBlocking(e.Reason), e.GPointer, e.LineNumber, e.Timestamp, e.Parent));
            }

            rest = rest[(end + 1)..];
        }

        return [.. ops];
    }
}

/// <summary>The live-table half of <see cref="GoroutineState.Apply"/>, over each layout.</summary>
internal static class LiveOps
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Inline(LiveOp[] ops, OpenTable<LiveValue> table, int prefetch)
    {
        int blocked = 0;
        for (int i = 0; i < ops.Length; i++)
        {
            if (prefetch > 0 && i + prefetch < ops.Length)
            {
                table.Prefetch(ops[i + prefetch].G);
            }

            ref readonly LiveOp op = ref ops[i];
            if (op.Kind == TraceEventKind.Create)
            {
                ref LiveValue value = ref table.GetValueRefOrAddDefault(op.G, out _);
                Fill(ref value, in op);
                continue;
            }

            ref LiveValue live = ref table.GetValueRefOrNullRef(op.G);
            if (!Unsafe.IsNullRef(ref live))
            {
                blocked += Touch(ref live, in op);
                if (op.Kind == TraceEventKind.Destroy)
                {
                    table.Remove(op.G);
                }
            }
        }

        return blocked + table.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Split(LiveOp[] ops, SplitTable<LiveValue> table, int prefetch)
    {
        int blocked = 0;
        int second = prefetch / 2;
        for (int i = 0; i < ops.Length; i++)
        {
            if (prefetch > 0)
            {
                if (i + prefetch < ops.Length)
                {
                    table.Prefetch(ops[i + prefetch].G);
                }

                if (i + second < ops.Length)
                {
                    table.PrefetchValue(ops[i + second].G);
                }
            }

            ref readonly LiveOp op = ref ops[i];
            if (op.Kind == TraceEventKind.Create)
            {
                ref LiveValue value = ref table.GetValueRefOrAddDefault(op.G, out _);
                Fill(ref value, in op);
                continue;
            }

            ref LiveValue live = ref table.GetValueRefOrNullRef(op.G);
            if (!Unsafe.IsNullRef(ref live))
            {
                blocked += Touch(ref live, in op);
                if (op.Kind == TraceEventKind.Destroy)
                {
                    table.Remove(op.G);
                }
            }
        }

        return blocked + table.Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fill(ref LiveValue value, in LiveOp op)
    {
        value.Parent = op.Parent;
        value.CreateLineNumber = op.Line;
        value.LastTimestamp = op.Timestamp;
        value.GoId = 0;
        value.StartFunction = 0;
        value.Creator = 0;
        value.IsBlocked = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Touch(ref LiveValue live, in LiveOp op)
    {
        int wasBlocked = live.IsBlocked ? 1 : 0;
        if (op.Kind != TraceEventKind.Destroy)
        {
            live.LastTimestamp = op.Timestamp;
            live.IsBlocked = op.Kind == TraceEventKind.Park && op.Blocking;
        }

        return wasBlocked;
    }
}

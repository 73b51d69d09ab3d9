using BenchmarkDotNet.Attributes;
using GoTraceEngine.State;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The open-addressed table against <see cref="Dictionary{TKey, TValue}"/> on the same stream of operations: a steady
/// population of <see cref="Live"/> goroutines churning through creates (with g reuse), lookups and removes,
/// starting empty so growth is included. The custom table must earn its place.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class TableBench
{
    private Operation[] _operations = [];

    [Params(1_000, 100_000, 1_000_000)]
    public int Live { get; set; }

    [GlobalSetup]
    public void Setup() => _operations = TableWorkload.Create(Live);

    [Benchmark(Baseline = true, Description = "Dictionary<ulong, LiveValue>")]
    public int Dictionary() => Churn(new DictionaryTable(new Dictionary<ulong, LiveValue>()));

    [Benchmark(Description = "OpenTable<LiveValue>")]
    public int OpenTable() => Churn(new Open(new OpenTable<LiveValue>(16, TableMemoryKind.Managed)));

    [Benchmark(Description = "OpenTable<LiveValue>, huge pages")]
    public int OpenTableHugePages() => Churn(new Open(new OpenTable<LiveValue>(16, TableMemoryKind.HugePages)));

    [Benchmark(Description = "SplitTable<LiveValue> (16 B index + dense records)")]
    public int SplitTable() => Churn(new Split(new SplitTable<LiveValue>(16, TableMemoryKind.HugePages)));

    /// <summary>The one churn loop; <typeparamref name="TTable"/> is a struct, so each table gets its own compiled loop with direct calls.</summary>
    private int Churn<TTable>(TTable table)
        where TTable : struct, IChurnTable
    {
        long hits = 0;
        foreach (Operation op in _operations)
        {
            switch (op.Kind)
            {
                case 0:
                    ref LiveValue value = ref table.GetValueRefOrAddDefault(op.Key);
                    value.CreateLineNumber = (long)(op.Key >> 8);
                    break;
                case 1:
                    table.Remove(op.Key);
                    break;
                default:
                    if (table.ContainsKey(op.Key))
                    {
                        hits++;
                    }

                    break;
            }
        }

        return table.Count + (int)hits;
    }

    /// <summary>What the churn loop needs of a table keyed by g pointer.</summary>
    private interface IChurnTable
    {
        int Count { get; }

        ref LiveValue GetValueRefOrAddDefault(ulong key);

        void Remove(ulong key);

        bool ContainsKey(ulong key);
    }

    private readonly struct DictionaryTable(Dictionary<ulong, LiveValue> table) : IChurnTable
    {
        public int Count => table.Count;

        public ref LiveValue GetValueRefOrAddDefault(ulong key) => ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(table, key, out _);

        public void Remove(ulong key) => table.Remove(key);

        public bool ContainsKey(ulong key) => table.ContainsKey(key);
    }

    private readonly struct Open(OpenTable<LiveValue> table) : IChurnTable
    {
        public int Count => table.Count;

        public ref LiveValue GetValueRefOrAddDefault(ulong key) => ref table.GetValueRefOrAddDefault(key, out _);

        public void Remove(ulong key) => table.Remove(key);

        public bool ContainsKey(ulong key) => table.ContainsKey(key);
    }

    private readonly struct Split(SplitTable<LiveValue> table) : IChurnTable
    {
        public int Count => table.Count;

        public ref LiveValue GetValueRefOrAddDefault(ulong key) => ref table.GetValueRefOrAddDefault(key, out _);

        public void Remove(ulong key) => table.Remove(key);

        public bool ContainsKey(ulong key) => table.ContainsKey(key);
    }
}

internal readonly record struct Operation(byte Kind, ulong Key);

internal static class TableWorkload
{
    /// <summary>Fill to <paramref name="live"/>, then 3 M churn operations: each destroys a random live g, creates one (often reusing a freed g) and looks two up.</summary>
    public static Operation[] Create(int live)
    {
        var random = new Random(live);
        var ops = new List<Operation>(live + 3_000_000);
        var alive = new List<ulong>(live);
        var free = new Stack<ulong>();
        ulong next = 0xc000010000UL;
        for (int i = 0; i < live; i++)
        {
            alive.Add(next);
            ops.Add(new Operation(0, next));
            next += 0x1a0;
        }

        while (ops.Count < live + 3_000_000)
        {
            int victim = random.Next(alive.Count);
            ulong g = alive[victim];
            ops.Add(new Operation(1, g));
            free.Push(g);
            ulong created = free.Count > 64 || random.Next(4) != 0 ? free.Pop() : (next += 0x1a0);
            alive[victim] = created;
            ops.Add(new Operation(0, created));
            ops.Add(new Operation(2, alive[random.Next(alive.Count)]));
            ops.Add(new Operation(2, g + 0x40));
        }

        return [.. ops];
    }

    /// <summary>Bytes retained per entry once <paramref name="live"/> entries are in, growth garbage collected.</summary>
    public static (double Dictionary, double OpenTable, double SplitTable) BytesPerEntry(int live)
    {
        GC.Collect();
        long before = GC.GetTotalMemory(true);
        var dictionary = new Dictionary<ulong, LiveValue>();
        for (int i = 0; i < live; i++)
        {
            dictionary[0xc000010000UL + ((ulong)i * 0x1a0)] = default;
        }

        long dictionaryBytes = GC.GetTotalMemory(true) - before;
        GC.KeepAlive(dictionary);
        var table = new OpenTable<LiveValue>(16, TableMemoryKind.Managed);
        var split = new SplitTable<LiveValue>(16, TableMemoryKind.Managed);
        for (int i = 0; i < live; i++)
        {
            table.GetValueRefOrAddDefault(0xc000010000UL + ((ulong)i * 0x1a0), out _);
            split.GetValueRefOrAddDefault(0xc000010000UL + ((ulong)i * 0x1a0), out _);
        }

        return ((double)dictionaryBytes / live, (double)table.AllocatedBytes / live, (double)split.AllocatedBytes / live);
    }
}

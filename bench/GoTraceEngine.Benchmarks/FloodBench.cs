using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// Hash flooding: the same trace shape (100 000 goroutines created, parked, half destroyed) with ordinary heap-like
/// g pointers and with g pointers chosen to collide under the table's public multiplicative hash. The flooded row
/// must stay within 4× of the ordinary one; the table hardens its hash when a probe run gets long.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class FloodBench
{
    private const int Goroutines = 100_000;
    private byte[] _ordinary = [];
    private byte[] _flood = [];

    [GlobalSetup]
    public void Setup()
    {
        _ordinary = Trace(Enumerable.Range(0, Goroutines).Select(i => 0xc000010000UL + ((ulong)i * 0x1a0)).ToArray());
        _flood = Trace(Colliding(Goroutines));
    }

    [Benchmark(Baseline = true, Description = "Ordinary g pointers")]
    public int Ordinary() => Replay(_ordinary);

    [Benchmark(Description = "g pointers colliding under the public hash")]
    public int Flood() => Replay(_flood);

    private static int Replay(byte[] trace)
    {
        using var engine = new TraceEngine();
        engine.Feed(trace);
        engine.Complete();
        return engine.Blocked.Count;
    }

    private static byte[] Trace(ulong[] pointers)
    {
        var text = new StringBuilder();
        foreach (ulong g in pointers)
        {
            text.Append(CultureInfo.InvariantCulture, $"newproc1: goroutine={g:x} parent=1 count=1 blocked_count=0\n");
            text.Append(CultureInfo.InvariantCulture, $"gopark: goroutine={g:x} blocked=1 reason=6 blocked_count=1\n");
        }

        for (int i = 0; i < pointers.Length; i += 2)
        {
            text.Append(CultureInfo.InvariantCulture, $"godestroy: goroutine={pointers[i]:x} count=1 blocked_count=1\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>k·K mod 2^64 = j: every key's hash has its top bits 0.</summary>
    private static ulong[] Colliding(int count)
    {
        const ulong Fibonacci = 0x9E3779B97F4A7C15UL;
        ulong inverse = Fibonacci;
        for (int i = 0; i < 6; i++)
        {
            inverse *= 2 - (Fibonacci * inverse);
        }

        return [.. Enumerable.Range(1, count).Select(j => (ulong)j * inverse)];
    }
}

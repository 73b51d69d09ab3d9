using GoTraceEngine.Generation;

namespace GoTraceEngine.Benchmarks;

/// <summary>Generated inputs, the same in the host process (for the columns) and in each benchmark process.</summary>
internal static class BenchInputs
{
    public const int Events = 2_000_000;

    private static readonly Dictionary<TraceFormat, byte[]> s_cache = [];

    public static byte[] Trace(TraceFormat format)
    {
        lock (s_cache)
        {
            if (!s_cache.TryGetValue(format, out byte[]? data))
            {
                using var stream = new MemoryStream();
                new TraceGenerator(new TraceGeneratorOptions { Seed = 42, Format = format, Events = Events, Live = 10_000, Leaks = 25 }).Write(stream);
                data = stream.ToArray();
                s_cache[format] = data;
            }

            return data;
        }
    }

    /// <summary>Event lines in the trace (what the engine counts as events).</summary>
    public static long EventCount(TraceFormat format)
    {
        using var engine = new TraceEngine();
        engine.Feed(Trace(format));
        engine.Complete();
        return engine.EventsRead;
    }

    public static string File(TraceFormat format)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gotrace-bench-{format}-{Events}.txt");
        byte[] data = Trace(format);
        if (!System.IO.File.Exists(path) || new FileInfo(path).Length != data.Length)
        {
            System.IO.File.WriteAllBytes(path, data);
        }

        return path;
    }
}

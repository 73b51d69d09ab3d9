using System.Globalization;
using System.IO.Compression;
using System.Text;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// A real trace of fixtures/go/busy-server recorded by <c>gotrace trace --save</c> (fixtures/real, see
/// fixtures/README.md), with the truth the program wrote (GOTRACE_TRUTH): which goroutines it leaked, from when, and how.
/// The trace itself says where each leak's last park is (the park it never leaves); a goroutine is leaked at a cut
/// when that park is inside the cut and the program had leaked it by the cut's time.
/// </summary>
internal sealed class RecordedTrace
{
    private RecordedTrace(string name, byte[] data, long[] lineEnds, long[] lineTimestamps, Dictionary<long, TruthLeak> leaks, long start, long busyUntil)
    {
        Name = name;
        Data = data;
        LineEnds = lineEnds;
        LineTimestamps = lineTimestamps;
        Leaks = leaks;
        Start = start;
        BusyUntil = busyUntil;
    }

    /// <summary>The recording's name: <c>busy-server-steady-go1.27</c>.</summary>
    public string Name { get; }

    /// <summary>The trace as <c>gotrace trace --save</c> wrote it (decompressed).</summary>
    public byte[] Data { get; }

    /// <summary>Offset just past line i + 1's newline (line numbers are 1-based, as the engine counts them).</summary>
    public long[] LineEnds { get; }

    /// <summary>Line i + 1's <c>ts=</c>, or 0 when it has none.</summary>
    public long[] LineTimestamps { get; }

    /// <summary>Every goroutine the program leaked, by goid.</summary>
    public Dictionary<long, TruthLeak> Leaks { get; }

    /// <summary>The program's start (CLOCK_MONOTONIC, the trace's clock).</summary>
    public long Start { get; }

    /// <summary>When the busy phase ended and the program began to quiesce.</summary>
    public long BusyUntil { get; }

    public int Lines => LineEnds.Length;

    /// <summary>The recordings in fixtures/real: <c>*.trace.txt.gz</c>, each with its <c>*.truth.txt</c>.</summary>
    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(Fixtures.Directory, "real"), "*.trace.txt.gz").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileName(path)[..^".trace.txt.gz".Length]);
        }

        return names;
    }

    /// <summary>Loads <c>fixtures/FOLDER/NAME.trace.txt.gz</c> with its <c>.truth.txt</c>.</summary>
    public static RecordedTrace Load(string name, string folder = "real")
    {
        string directory = Path.Combine(Fixtures.Directory, folder);
        byte[] data;
        using (var gzip = new GZipStream(File.OpenRead(Path.Combine(directory, name + ".trace.txt.gz")), CompressionMode.Decompress))
        using (var buffer = new MemoryStream())
        {
            gzip.CopyTo(buffer);
            data = buffer.ToArray();
        }

        var leaks = new Dictionary<long, TruthLeak>();
        long start = 0, busyUntil = 0;
        foreach (string line in File.ReadLines(Path.Combine(directory, name + ".truth.txt")))
        {
            if (line.StartsWith("# start=", StringComparison.Ordinal))
            {
                string[] f = line[2..].Split(' ');
                start = long.Parse(f[0]["start=".Length..], CultureInfo.InvariantCulture);
                busyUntil = long.Parse(f[1]["busy-until=".Length..], CultureInfo.InvariantCulture);
            }
            else if (!line.StartsWith('#') && line.Length > 0)
            {
                string[] f = line.Split(' ');
                long goid = long.Parse(f[0], CultureInfo.InvariantCulture);
                leaks.Add(goid, new TruthLeak(goid, long.Parse(f[1], CultureInfo.InvariantCulture), f[2]));
            }
        }

        if (start == 0 || busyUntil <= start)
        {
            throw new InvalidDataException($"{name}.truth.txt has no '# start=… busy-until=…' line");
        }

        var lineEnds = new List<long>();
        var timestamps = new List<long>();
        int from = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                lineEnds.Add(i + 1);
                timestamps.Add(Timestamp(data.AsSpan(from, i - from)));
                from = i + 1;
            }
        }

        var trace = new RecordedTrace(name, data, [.. lineEnds], [.. timestamps], leaks, start, busyUntil);
        trace.FindLastParks();
        return trace;
    }

    /// <summary>The first <paramref name="lines"/> lines.</summary>
    public ReadOnlySpan<byte> Prefix(int lines) => Data.AsSpan(0, lines == 0 ? 0 : (int)LineEnds[lines - 1]);

    /// <summary>The number of lines before the first event at or after <paramref name="timestamp"/>: a cut at that time.</summary>
    public int LinesBefore(long timestamp)
    {
        for (int i = 0; i < LineTimestamps.Length; i++)
        {
            if (LineTimestamps[i] >= timestamp)
            {
                return i;
            }
        }

        return LineTimestamps.Length;
    }

    /// <summary>Whether goroutine <paramref name="goid"/> is leaked in the first <paramref name="lines"/> lines, whose latest event is at <paramref name="now"/>.</summary>
    public bool IsLeakedAt(long goid, int lines, long now) =>
        Leaks.TryGetValue(goid, out TruthLeak? leak) && leak.LastParkLine > 0 && leak.LastParkLine <= lines && leak.From <= now;

    /// <summary>The goroutines leaked at a cut.</summary>
    public IEnumerable<TruthLeak> LeakedAt(int lines, long now) => Leaks.Values.Where(l => IsLeakedAt(l.GoId, lines, now));

    /// <summary>
    /// Replays the trace's goroutine events in time order (bpftrace prints per-CPU buffers in turn): each leaked
    /// goroutine's last park is the first park after its last create or ready. A leak that is readied or destroyed
    /// later is a contradiction of the truth and stays at <see cref="TruthLeak.LastParkLine"/> 0 with a reason.
    /// </summary>
    private void FindLastParks()
    {
        var events = new List<(long Ts, int Line, string Kind, ulong G, long GoId)>();
        string text = Encoding.UTF8.GetString(Data);
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            int colon = line.IndexOf(": ts=", StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string kind = line[..colon];
            if (kind is not ("newproc1" or "gopark" or "ready" or "godestroy"))
            {
                continue;
            }

            events.Add((Timestamp(Encoding.UTF8.GetBytes(line)), lineNumber, kind, ulong.Parse(Field(line, "goroutine="), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                kind == "newproc1" ? long.Parse(Field(line, "goid="), CultureInfo.InvariantCulture) : 0));
        }

        events.Sort(static (a, b) => a.Ts != b.Ts ? a.Ts.CompareTo(b.Ts) : a.Line.CompareTo(b.Line));
        var goidOf = new Dictionary<ulong, long>();
        foreach ((long ts, int line, string kind, ulong g, long goid) in events)
        {
            if (kind == "newproc1")
            {
                goidOf[g] = goid;
            }

            if (!goidOf.TryGetValue(g, out long id) || !Leaks.TryGetValue(id, out TruthLeak? leak))
            {
                continue;
            }

            switch (kind)
            {
                case "newproc1":
                    leak.Created = true;
                    break;
                case "gopark" when leak.LastParkLine == 0:
                    leak.LastParkLine = line;
                    leak.LastParkTimestamp = ts;
                    break;
                case "ready":
                    leak.LastParkLine = 0;
                    leak.Readied++;
                    break;
                case "godestroy":
                    leak.LastParkLine = 0;
                    leak.Destroyed = true;
                    goidOf.Remove(g);
                    break;
            }
        }
    }

    private static string Field(string line, string key)
    {
        int at = line.IndexOf(" " + key, StringComparison.Ordinal) + 1 + key.Length;
        int end = line.IndexOf(' ', at);
        return end < 0 ? line[at..] : line[at..end];
    }

    private static long Timestamp(ReadOnlySpan<byte> line)
    {
        int at = line.IndexOf("ts="u8);
        if (at < 0)
        {
            return 0;
        }

        long value = 0;
        for (int i = at + 3; i < line.Length && line[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            value = (value * 10) + (line[i] - '0');
        }

        return value;
    }
}

/// <summary>A goroutine the program says it leaked: from <paramref name="From"/> (CLOCK_MONOTONIC) on, by <paramref name="Kind"/>.</summary>
internal sealed record TruthLeak(long GoId, long From, string Kind)
{
    /// <summary>The trace's line of the park it never leaves; 0 when the trace contradicts the truth.</summary>
    public int LastParkLine { get; set; }

    public long LastParkTimestamp { get; set; }

    public bool Created { get; set; }

    public bool Destroyed { get; set; }

    public int Readied { get; set; }
}

using System.IO.Compression;
using System.Text;
using GoTraceEngine.Generation;
using GoTraceEngine.Parsing;
using GoTraceEngine.Tests.Infrastructure;

namespace GoTraceEngine.Tests.Parsing;

/// <summary>
/// The fast path for lines as the tracers print them (<see cref="EventFieldParser.TryParsePrinted"/>,
/// <see cref="EventFieldParser.TryParsePrintedIdentity"/>) against the general parser
/// (<see cref="EventFieldParser.ParseFields"/>): the same event, failure and interned names for every line, printed or
/// not; and the printed lines do take the fast path.
/// </summary>
public sealed class PrintedLineParserTests
{
    private const int LinesPerSource = 400;

    /// <summary>Lines as the dtrace scripts and the attach script print them (no recording of those is bundled).</summary>
    private static readonly string[] s_shapes =
    [
        "newproc1: ts=1234567890123 goroutine=0xc000010000 goid=5 gopc=0x49b04b fn=main`main.worker+0x10 creator=main`main.startPool+0x4c",
        "gopark: ts=1234567890124 goroutine=0xc000010000 reason=7 wait=14 obj=0xc0001200c0",
        "ready: ts=1234567890125 goroutine=0xc000010000",
        "gopark: ts=37674396381383 goroutine=785743181e0 reason=7 wait=19 obj=7857436e068 goid=77 gopc=0x4a5b6c fn=main.(*server).session creator=main.(*server).sessions",
        "gdestroy: ts=5 goroutine=c000010000",
        "newproc1: goroutine=c000010000 parent=824633745408 count=1 blocked_count=0",
        "gopark: goroutine=c000039f20 blocked=1 reason=7 blocked_count=1",
        "godestroy: goroutine=c00005ada0 count=999 blocked_count=1",
        "ready: goroutine=c000054400",

        // Generic functions as bpftrace's usym prints them (a struct shape holds blanks), and brackets that pair across fields.
        "newproc1: ts=7 goroutine=c000010000 parent=0x1 goid=25 gopc=0x4deecb fn=main.Gather[go.shape.struct { main.a int; main.b int }].func1 creator=main.Gather[go.shape.struct { main.a int; main.b int }]",
        "newproc1: ts=7 goroutine=c000010000 parent=0x1 goid=25 gopc=0x4deecb fn=main.F[x creator=main.G]",
    ];

    [Fact]
    public void Parse_PrintedLinesAndVariantsOfThem_GiveWhatTheGeneralParserGives()
    {
        var parsed = new Pair(new NameTable(), new NameTable());
        var capped = new Pair(new NameTable(maxNames: 4), new NameTable(maxNames: 4));
        int lines = 0, taken = 0;
        foreach (string line in Corpus())
        {
            foreach (string variant in Variants(line))
            {
                lines++;
                taken += Compare(variant, lines, parsed) ? 1 : 0;
                Compare(variant, lines, capped);
            }
        }

        // Both tables met the same names in the same order, and the capped ones counted the same sightings past the cap.
        Assert.Equal(parsed.Fast.Count, parsed.General.Count);
        Assert.True(parsed.Fast.Count > 20, $"{parsed.Fast.Count} names");
        Assert.Equal(capped.General.Overflowed, capped.Fast.Overflowed);
        Assert.True(capped.Fast.Overflowed > 0);

        // The variants hold both kinds of line: those the fast path reads, and those it leaves to the general parser.
        Assert.InRange(taken, lines / 10, lines - (lines / 10));
    }

    [Fact]
    public void TryParsePrinted_TakesEveryEventLineOfTheBundledTracersAndTheGenerator()
    {
        var names = new NameTable();
        int lines = 0;
        foreach (string line in Corpus())
        {
            (TraceEventKind kind, byte[] fields) = Split(line);
            lines++;
            bool taken = EventFieldParser.TryParsePrinted(kind, fields, lines, out _)
                || (kind is TraceEventKind.Create or TraceEventKind.Park && EventFieldParser.TryParsePrintedIdentity(kind, fields, lines, names, out _));
            Assert.True(taken, $"not read by the fast path: {line}");
        }

        Assert.True(lines > 3000, $"{lines} lines");
    }

    [Fact]
    public void TryParsePrinted_ALineThatIsNotPrinted_InternsNothing()
    {
        // The names of a create that turns out not to be printed are interned by the general parser only, once.
        var names = new NameTable();
        byte[] fields = Encoding.UTF8.GetBytes(" ts=5 goroutine=c000 goid=1 fn=main.worker creator=main.main extra");
        Assert.False(EventFieldParser.TryParsePrintedIdentity(TraceEventKind.Create, fields, 1, names, out _));
        Assert.Equal(2, names.Count);
    }

    private static bool Compare(string line, int lineNumber, Pair names)
    {
        (TraceEventKind kind, byte[] fields) = Split(line);
        bool taken = EventFieldParser.TryParsePrinted(kind, fields, lineNumber, out TraceEvent probe)
            || (kind is TraceEventKind.Create or TraceEventKind.Park && EventFieldParser.TryParsePrintedIdentity(kind, fields, lineNumber, new NameTable(), out probe));
        LineCategory fast = EventFieldParser.Parse(kind, fields, lineNumber, names.Fast, out TraceEvent e, out ParseFailure why);
        LineCategory general = EventFieldParser.ParseFields(kind, fields, lineNumber, names.General, out TraceEvent expected, out ParseFailure expectedWhy, 0);
        Assert.True(
            (general, expectedWhy, Describe(expected, names.General)) == (fast, why, Describe(e, names.Fast)),
            $"{line}\n  general: {general} {expectedWhy} {Describe(expected, names.General)}\n  fast:    {fast} {why} {Describe(e, names.Fast)}");
        return taken;
    }

    internal static string Describe(in TraceEvent e, NameTable names) =>
        $"{e.Kind} g={e.GPointer:x} line={e.LineNumber} fields={e.Fields} parent={e.Parent} reason={e.Reason} count={e.ScriptCount} " +
        $"blockedCount={e.ScriptBlockedCount} blocked={e.ScriptBlocked} ts={e.Timestamp} goid={e.GoId} " +
        $"fn={e.StartFunction}:{names.GetName(e.StartFunction)} creator={e.Creator}:{names.GetName(e.Creator)} " +
        $"obj={e.WaitObject:x} wait={e.WaitReason} gopc={e.CreatorPc:x} since={e.BlockedSince}";

    /// <summary>The event lines of the recordings, of generated traces in both formats, and the printed shapes above.</summary>
    internal static IEnumerable<string> Corpus()
    {
        string real = Path.Combine(Fixtures.Directory, "real");
        foreach (string path in Directory.GetFiles(real, "*.trace.txt.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            foreach (string line in EventLines(ReadLines(reader)).Take(LinesPerSource))
            {
                yield return line;
            }
        }

        foreach (TraceFormat format in new[] { TraceFormat.Quiet, TraceFormat.Full })
        {
            using var buffer = new MemoryStream();
            new TraceGenerator(new TraceGeneratorOptions { Seed = 7, Format = format, Events = 20_000, Live = 300, Leaks = 5, Cpus = 3 }).Write(buffer);
            buffer.Position = 0;
            using var reader = new StreamReader(buffer);
            foreach (string line in EventLines(ReadLines(reader)).Take(LinesPerSource))
            {
                yield return line;
            }
        }

        foreach (string shape in s_shapes)
        {
            yield return shape;
        }
    }

    private static IEnumerable<string> ReadLines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static IEnumerable<string> EventLines(IEnumerable<string> lines) =>
        lines.Where(static line => line.Length > 0 && Split(line).Kind != TraceEventKind.Tick);

    /// <summary>
    /// The line, and lines a tracer, a user's script or a damaged capture might print instead: blanks, fields left out,
    /// repeated, swapped or unknown, and values that are bad, empty, too long, negative, zero or written with 0x.
    /// </summary>
    internal static IEnumerable<string> Variants(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        string keyword = line[..(colon + 1)];
        string[] fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string Join(IEnumerable<string> parts, string blank = " ") => keyword + blank + string.Join(blank, parts);

        yield return line;
        yield return line + " ";
        yield return line + "\t";
        yield return Join(fields, "  ");
        yield return Join(fields, "\t");
        yield return keyword + "\t" + string.Join(' ', fields);
        yield return Join(fields.Append("foo=1"));
        yield return Join(fields.Append("since=37670000000000")); // a park found blocked (gotrace trace -p): read in full
        yield return Join(new[] { "foo" }.Concat(fields));
        if (fields.Length >= 2)
        {
            yield return Join(new[] { fields[1], fields[0] }.Concat(fields.Skip(2)));
        }

        for (int i = 0; i < fields.Length; i++)
        {
            int at = i;
            yield return Join(fields.Where((_, j) => j != at));
            yield return Join(fields.Append(fields[at]));
            int equals = fields[at].IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            string key = fields[at][..(equals + 1)];
            // Names of generic functions too: shapes with blanks, and brackets left open, closed early or nested.
            foreach (string value in new[] { "", "x1", "1x", "0", "-5", "0x10", "0X1f", "99999999999999999999", "18446744073709551615", "123456789012345678", "ffffffffffffffff1", "a`b+0x1", "a[b", "a[b c]", "a]b[", "a[[b]", "f[go.shape.struct { a int }].func1", "x][[y z" })
            {
                yield return Join(fields.Select((field, j) => j == at ? key + value : field));
            }
        }
    }

    private static (TraceEventKind Kind, byte[] Fields) Split(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        TraceEventKind kind = colon < 0 ? TraceEventKind.Tick : line[..colon] switch
        {
            "newproc1" => TraceEventKind.Create,
            "gopark" => TraceEventKind.Park,
            "ready" => TraceEventKind.Ready,
            "godestroy" or "gdestroy" => TraceEventKind.Destroy,
            _ => TraceEventKind.Tick,
        };
        return (kind, Encoding.UTF8.GetBytes(line[(colon + 1)..]));
    }

    private sealed record Pair(NameTable Fast, NameTable General);
}
